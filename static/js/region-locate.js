/* 职工之家·河北 — "open the region I am in": asks the browser for its position and posts it
 * to /regions/locate/, which answers with the nearest county's page. Self-hosted, no
 * dependencies. Without JavaScript or geolocation the card stays hidden and the list below
 * it is used to pick a region. */
(function () {
  "use strict";
  var card = document.querySelector(".locate-card");
  if (!card || !("geolocation" in navigator) || !window.fetch) {
    return;
  }
  var form = card.querySelector(".locate-form");
  var errorBox = card.querySelector(".locate-error");
  var statusBox = card.querySelector(".locate-status");
  var button = form.querySelector("button");
  // Texts come translated from the template.
  var messages = {
    denied: card.getAttribute("data-denied"),
    failed: card.getAttribute("data-failed"),
  };

  function showError(text) {
    statusBox.hidden = true;
    errorBox.textContent = text;
    errorBox.hidden = false;
    button.disabled = false;
  }

  function send(position) {
    var body = new FormData(form);
    body.append("latitude", position.coords.latitude.toFixed(4));
    body.append("longitude", position.coords.longitude.toFixed(4));
    fetch(card.getAttribute("data-locate-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.ok && data.url) {
            window.location.assign(data.url);
          } else {
            showError(data.error || messages.failed);
          }
        });
      })
      .catch(function () {
        showError(messages.failed);
      });
  }

  function locate() {
    errorBox.hidden = true;
    statusBox.hidden = false;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      send,
      function (error) {
        showError(error.code === 1 ? messages.denied : messages.failed);
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    locate();
  });
  card.hidden = false;

  // A visitor who already allowed location is located at once; others tap the button.
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions
      .query({ name: "geolocation" })
      .then(function (status) {
        if (status.state === "granted") {
          locate();
        }
      })
      .catch(function () {});
  }
})();
