// The pipeline board's drag and drop. Plain JavaScript, no build step, no inline script: it
// reads data-* attributes and posts each card's own form (the one that works without
// JavaScript) with Accept: application/json, so a drop and the menu take the same path.
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board) {
    return;
  }
  var status = document.getElementById("board-status");
  var dialog = document.getElementById("reason-dialog");
  var closed = (board.dataset.closedStages || "").split(" ");
  var dragged = null;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function columnOf(stage) {
    return board.querySelector('.board-column[data-stage="' + stage + '"]');
  }

  function recount(column, change) {
    var count = column.querySelector("[data-count]");
    count.textContent = String(Number(count.textContent) + change);
  }

  // Won and lost need a reason: ask in a dialog; resolves to the reason, or null if cancelled.
  function askReason(card, stage) {
    return new Promise(function (resolve) {
      var text = document.getElementById("reason-text");
      var form = document.getElementById("reason-form");
      dialog.querySelector("[data-title]").textContent = card.querySelector(".card-title").textContent;
      dialog.querySelector("[data-stage-label]").textContent = columnOf(stage).dataset.label;
      text.value = "";
      function finish(value) {
        form.removeEventListener("submit", onSubmit);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        if (dialog.open) {
          dialog.close();
        }
        resolve(value);
      }
      function onSubmit(event) {
        event.preventDefault();
        if (text.value.trim()) {
          finish(text.value.trim());
        }
      }
      function onCancel(event) {
        event.preventDefault();
        finish(null);
      }
      var cancel = dialog.querySelector("[data-cancel]");
      form.addEventListener("submit", onSubmit);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      text.focus();
    });
  }

  function post(card, stage, reason) {
    var form = card.querySelector("form.move");
    var body = new FormData(form);
    body.set("stage", stage);
    body.set("reason", reason || "");
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: "The server did not answer (" + response.status + ")." };
      });
    });
  }

  function moved(card, answer) {
    var from = card.closest(".board-column");
    var to = columnOf(answer.stage);
    to.querySelector(".cards").prepend(card);
    recount(from, -1);
    recount(to, 1);
    card.dataset.stage = answer.stage;
    var form = card.querySelector("form.move");
    form.querySelector('input[name="version"]').value = answer.version;
    form.querySelector('select[name="stage"]').value = answer.stage;
  }

  function move(card, stage) {
    if (!stage || stage === card.dataset.stage) {
      return;
    }
    var reason = closed.indexOf(stage) >= 0 ? askReason(card, stage) : Promise.resolve("");
    reason.then(function (text) {
      if (text === null) {
        say("Not moved: a move to won or lost needs a reason.", true);
        card.querySelector('select[name="stage"]').value = card.dataset.stage;
        return;
      }
      card.classList.add("busy");
      post(card, stage, text)
        .then(function (answer) {
          if (answer.ok) {
            moved(card, answer);
          } else {
            card.querySelector('select[name="stage"]').value = card.dataset.stage;
          }
          say(answer.message, !answer.ok);
        })
        .catch(function () {
          say("The move could not reach the server; nothing was changed.", true);
        })
        .finally(function () {
          card.classList.remove("busy");
        });
    });
  }

  // The menu and its button: the same form, sent without leaving the board.
  board.addEventListener("submit", function (event) {
    var form = event.target.closest("form.move");
    if (!form) {
      return;
    }
    event.preventDefault();
    var card = form.closest(".card");
    move(card, form.querySelector('select[name="stage"]').value);
  });

  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".card");
    if (!dragged) {
      return;
    }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
    dragged.classList.add("dragging");
  });

  board.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    board.querySelectorAll(".drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
    dragged = null;
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest(".board-column");
    if (column && dragged) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    }
  });

  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("drop-target");
    }
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest(".board-column");
    if (!column || !dragged) {
      return;
    }
    event.preventDefault();
    column.classList.remove("drop-target");
    move(dragged, column.dataset.stage);
  });
})();
