// The admin theme (django-unfold) on Alpine's CSP build, so the Content-Security-Policy needs no
// 'unsafe-eval' (docs/security.md, "CSP"). That build reads an x-data / x-on expression with
// its own parser and resolves names only in Alpine's scope, never in the page's globals; the
// theme's templates name global functions from unfold/js/app.js, so they are registered here
// where Alpine can see them. Loaded before Alpine starts (UNFOLD["SCRIPTS"]).
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    // <html x-data="theme(...)">: the scope every admin page's expressions share.
    window.Alpine.data("theme", function (defaultTheme) {
      var data = theme(defaultTheme);
      // <body x-init="activeTab = getCurrentTab() || ...">: the tab named in the URL.
      data.getCurrentTab = getCurrentTab;
      // Sortable lists (x-sort) of models with an ordering field.
      data.sortRecords = sortRecords;
      data.moveRecords = moveRecords;
      // unfold/helpers/tab_action.html binds a class to `actionDropdownOpen` on every action
      // button, though only a dropdown action declares it: the others read this default.
      data.actionDropdownOpen = false;
      // The change form posts back to the page's own address plus the open tab
      // (`window.location.pathname + window.location.search`): a stand-in holding only the
      // address, read each time the expression runs; the real window stays out of reach.
      Object.defineProperty(data, "window", {
        enumerable: true,
        get: function () {
          return { location: { pathname: location.pathname, search: location.search } };
        },
      });
      return data;
    });

    // The command palette (unfold/helpers/command.html: x-data="searchCommand()").
    window.Alpine.data("searchCommand", searchCommand);

    // Dragging the sidebar's edge (our admin/nav_sidebar.html), as unfold's inline
    // expression did: the width follows the pointer within min..max and is remembered.
    window.Alpine.data("sidebarResize", function () {
      return {
        min: 220,
        max: 360,
        resizing: false,
        resize: function (event) {
          var nav = document.getElementById("nav-sidebar");
          var width =
            getComputedStyle(this.$el).direction === "rtl"
              ? nav.getBoundingClientRect().right - event.clientX
              : event.clientX;
          this.sidebarWidth = Math.min(this.max, Math.max(this.min, width));
          localStorage.setItem("sidebarWidth", this.sidebarWidth);
        },
      };
    });
  });
})();
