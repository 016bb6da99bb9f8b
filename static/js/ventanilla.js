/* Ventanilla shell behaviour: session expiry warning. Extended by vucem. */
(function () {
  "use strict";
})();
