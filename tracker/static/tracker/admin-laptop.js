// On a screen narrower than 1,500 px the admin's navigation sidebar starts closed: open, it
// takes 300 px from every list. Its toggle (the « at the left edge) still opens it, and
// Django remembers that choice, so this only sets the default for someone who never chose.
(function () {
  "use strict";
  var key = "django.admin.navSidebarIsOpen";
  try {
    if (window.localStorage.getItem(key) === null && window.innerWidth < 1500) {
      window.localStorage.setItem(key, "false");
    }
  } catch (error) {
    // Storage refused (private mode): the sidebar opens as Django's default.
  }
})();
