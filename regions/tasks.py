# Background work for regions arrives with scheduled publishing (issue 4).
