"""The aid services' writes: ``hardship`` (困难职工帮扶) and ``mutual`` (职工互助保障)."""
