/* 职工之家·河北 — the installable app in the page: registers the service worker (/sw.js),
 * offers "添加到主屏幕" on phones, and runs the "开启手机推送" control on 消息通知.
 * Self-hosted, no dependencies; every text comes translated from the templates (data-*).
 * Without JavaScript or these browser features nothing shows and the site works as before. */
(function () {
  "use strict";
  var script = document.currentScript;
  var swUrl = script && script.getAttribute("data-sw");
  var DISMISSED = "zgzj-install-dismissed";

  function registration() {
    if (!("serviceWorker" in navigator) || !swUrl) {
      return Promise.reject(new Error("no service worker"));
    }
    return navigator.serviceWorker.register(swUrl, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  var ready = registration();
  ready.catch(function () {
    return undefined; // an old browser, or a private window that refuses workers
  });

  // --- 添加到主屏幕 --------------------------------------------------------------------
  function standalone() {
    return (
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) ||
      window.navigator.standalone === true
    );
  }

  function onPhone() {
    return window.matchMedia && window.matchMedia("(max-width: 768px)").matches;
  }

  function dismissed() {
    try {
      return window.localStorage.getItem(DISMISSED) === "1";
    } catch (error) {
      return false;
    }
  }

  function remember() {
    try {
      window.localStorage.setItem(DISMISSED, "1");
    } catch (error) {
      /* storage off: the banner comes back next visit */
    }
  }

  var banner = document.querySelector(".pwa-install");
  if (banner && !standalone() && !dismissed() && onPhone()) {
    var text = banner.querySelector(".pwa-install-text");
    var add = banner.querySelector(".pwa-install-add");
    var close = banner.querySelector(".pwa-install-close");
    var deferred = null;
    close.addEventListener("click", function () {
      banner.hidden = true;
      remember();
    });
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault(); // our own banner instead of the browser's mini-infobar
      deferred = event;
      text.textContent = banner.getAttribute("data-prompt");
      add.hidden = false;
      banner.hidden = false;
    });
    add.addEventListener("click", function () {
      if (!deferred) {
        return;
      }
      deferred.prompt();
      deferred.userChoice.then(function () {
        banner.hidden = true;
        remember();
        deferred = null;
      });
    });
    window.addEventListener("appinstalled", function () {
      banner.hidden = true;
      remember();
    });
    // iOS Safari has no install prompt: say where the menu item is.
    var ios = /iphone|ipad|ipod/i.test(navigator.userAgent) && !window.MSStream;
    if (ios) {
      text.textContent = banner.getAttribute("data-ios");
      add.hidden = true;
      banner.hidden = false;
    }
  }

  // --- 退出: this browser stops receiving the member's pushes ---------------------------
  // The server ends the session's subscription too (AccountAdapter.logout); unsubscribing
  // here also stops the browser's copy. Never holds sign-out up for more than a moment.
  var signout = document.querySelector("form[data-signout]");
  if (signout && "serviceWorker" in navigator) {
    signout.addEventListener("submit", function (event) {
      // Without the permission there is no subscription: sign out at once, as without JS.
      var granted = "Notification" in window && window.Notification.permission === "granted";
      if (!granted || signout.getAttribute("data-unsubscribed")) {
        return;
      }
      event.preventDefault();
      signout.setAttribute("data-unsubscribed", "1");
      var finish = function () {
        signout.submit();
      };
      var timer = window.setTimeout(finish, 1500);
      ready
        .then(function (reg) {
          return reg.pushManager && reg.pushManager.getSubscription();
        })
        .then(function (subscription) {
          return subscription && subscription.unsubscribe();
        })
        .catch(function () {
          return undefined;
        })
        .then(function () {
          window.clearTimeout(timer);
          finish();
        });
    });
  }

  // --- 开启手机推送 --------------------------------------------------------------------
  var control = document.querySelector(".push-control");
  if (!control) {
    return;
  }
  var enable = control.querySelector(".push-enable");
  var disable = control.querySelector(".push-disable");
  var status = control.querySelector(".push-status");
  var form = control.querySelector("form");

  function say(key, isError) {
    status.textContent = control.getAttribute("data-" + key) || key;
    status.classList.toggle("error", !!isError);
    status.hidden = false;
    control.hidden = false;
  }

  function show(subscribed) {
    enable.hidden = subscribed;
    disable.hidden = !subscribed;
    enable.disabled = false;
    disable.disabled = false;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || control.getAttribute("data-failed"));
          }
          return data;
        });
    });
  }

  if (!("PushManager" in window) || !("Notification" in window) || !("serviceWorker" in navigator)) {
    say("unsupported");
    enable.hidden = true;
    disable.hidden = true;
    return;
  }
  control.hidden = false;
  ready
    .then(function (reg) {
      return reg.pushManager.getSubscription();
    })
    .then(function (subscription) {
      if (!subscription) {
        show(false);
        return undefined;
      }
      // Only renews a subscription this member turned on; one that is not theirs (left by
      // whoever used this phone before) is ended, so nobody is pushed to without a click.
      var data = subscription.toJSON();
      data.refresh = true;
      return post(control.getAttribute("data-subscribe-url"), data).then(function (answer) {
        if (answer.subscribed) {
          show(true);
          return undefined;
        }
        show(false);
        return subscription.unsubscribe();
      });
    })
    .catch(function () {
      say("unsupported");
      enable.hidden = true;
    });

  enable.addEventListener("click", function () {
    enable.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error(control.getAttribute("data-denied"));
        }
        return ready;
      })
      .then(function (reg) {
        return reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(control.getAttribute("data-public-key")),
        });
      })
      .then(function (subscription) {
        return post(control.getAttribute("data-subscribe-url"), subscription.toJSON()).catch(
          function (error) {
            subscription.unsubscribe();
            throw error;
          }
        );
      })
      .then(function () {
        show(true);
        say("enabled");
      })
      .catch(function (error) {
        show(false);
        status.textContent = error.message || control.getAttribute("data-failed");
        status.classList.add("error");
        status.hidden = false;
      });
  });

  disable.addEventListener("click", function () {
    disable.disabled = true;
    ready
      .then(function (reg) {
        return reg.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (!subscription) {
          return null;
        }
        return post(control.getAttribute("data-unsubscribe-url"), {
          endpoint: subscription.endpoint,
        }).then(function () {
          return subscription.unsubscribe();
        });
      })
      .then(function () {
        show(false);
        say("disabled");
      })
      .catch(function (error) {
        show(true);
        status.textContent = error.message || control.getAttribute("data-failed");
        status.classList.add("error");
        status.hidden = false;
      });
  });
})();
