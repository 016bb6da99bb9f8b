/* Ventanilla shell behaviour:
 * 1. Session expiry: a countdown of SESSION_IDLE_SECONDS; a modal SESSION_WARNING_SECONDS
 *    before the end; "Continuar con la sesión" POSTs to extender_sesion; at zero, go to the
 *    login page with a message. Activity in another tab (localStorage) restarts the clock.
 * 2. Never lose a draft: unsaved inputs of POST forms (not files, not passwords, not hidden)
 *    are kept in localStorage per path while typing, restored on reload of the same page with
 *    a notice, and cleared once the submit succeeded. Forms with data-vu-no-guardar opt out.
 * 3. Error summaries get the focus so screen readers announce them.
 */
(function () {
  "use strict";

  var body = document.body;
  var PREFIJO = "vu-borrador:";
  var CLAVE_ENVIO = "vu-borrador-enviado";
  var CLAVE_ACTIVIDAD = "vu-sesion-actividad";

  function leerCookie(nombre) {
    var m = document.cookie.match("(^|;)\\s*" + nombre + "\\s*=\\s*([^;]+)");
    return m ? decodeURIComponent(m.pop()) : "";
  }

  function csrf() {
    var campo = document.querySelector("input[name=csrfmiddlewaretoken]");
    return leerCookie("csrftoken") || (campo ? campo.value : "");
  }

  function almacen() {
    try { var k = "__vu"; localStorage.setItem(k, k); localStorage.removeItem(k); return localStorage; }
    catch (e) { return null; }
  }
  var ls = almacen();

  /* ---------- 1. Session expiry ---------- */
  var idle = parseInt(body.dataset.sessionIdle || "0", 10);
  var aviso = parseInt(body.dataset.sessionWarning || "0", 10);
  var urlIngresar = body.dataset.urlIngresar || "/ingresar/";
  var modalEl = document.getElementById("sesionModal");

  if (idle > 0 && modalEl) {
    var fin = Date.now() + idle * 1000;
    var modal = window.bootstrap ? bootstrap.Modal.getOrCreateInstance(modalEl) : null;
    var visible = false;
    var segundosEl = document.getElementById("sesionSegundos");
    var boton = document.getElementById("sesionExtender");

    var reiniciar = function (desde) {
      fin = (desde || Date.now()) + idle * 1000;
      if (visible && modal) { modal.hide(); visible = false; }
    };
    if (ls) { ls.setItem(CLAVE_ACTIVIDAD, String(Date.now())); }
    window.addEventListener("storage", function (ev) {
      if (ev.key === CLAVE_ACTIVIDAD && ev.newValue) { reiniciar(parseInt(ev.newValue, 10)); }
    });

    var expirando = false;
    var expirar = function () {
      if (expirando) { return; }
      expirando = true;
      guardarTodo();
      var destino = urlIngresar + "?expirada=1&next=" + encodeURIComponent(location.pathname + location.search);
      location.assign(destino);
    };

    setInterval(function () {
      var restante = Math.ceil((fin - Date.now()) / 1000);
      if (restante <= 0) { expirar(); return; }
      if (restante <= aviso) {
        if (segundosEl) { segundosEl.textContent = String(restante); }
        if (!visible && modal) { modal.show(); visible = true; if (boton) { boton.focus(); } }
      }
    }, 1000);

    if (boton) {
      boton.addEventListener("click", function () {
        boton.disabled = true;
        fetch(boton.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(), "X-Requested-With": "XMLHttpRequest" },
        }).then(function (r) {
          return r.json().then(function (d) { return { status: r.status, datos: d }; });
        }).then(function (res) {
          boton.disabled = false;
          if (res.status === 200 && res.datos.ok) {
            if (ls) { ls.setItem(CLAVE_ACTIVIDAD, String(Date.now())); }
            reiniciar();
          } else { expirar(); }
        }).catch(function () { boton.disabled = false; });
      });
    }
  }

  /* ---------- 2. Never lose a draft ---------- */
  function formulariosGuardables() {
    return Array.prototype.filter.call(document.querySelectorAll("main form"), function (f) {
      return (f.getAttribute("method") || "get").toLowerCase() === "post" && !f.hasAttribute("data-vu-no-guardar");
    });
  }

  function claveDe(form, i) {
    return PREFIJO + location.pathname + "#" + (form.id || form.getAttribute("action") || i);
  }

  function camposDe(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return false; }
      var t = (el.type || "").toLowerCase();
      return ["file", "password", "hidden", "submit", "button", "reset", "image"].indexOf(t) === -1
        && el.name !== "csrfmiddlewaretoken" && !el.hasAttribute("data-vu-no-guardar");
    });
  }

  function serializar(form) {
    var datos = {};
    camposDe(form).forEach(function (el) {
      var t = (el.type || "").toLowerCase();
      if (t === "checkbox" || t === "radio") {
        datos[el.name] = datos[el.name] || [];
        if (el.checked) { datos[el.name].push(el.value); }
      } else if (el.multiple) {
        datos[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        datos[el.name] = datos[el.name] === undefined ? el.value : [].concat(datos[el.name], el.value);
      }
    });
    return datos;
  }

  function restaurar(form, datos) {
    var cambios = 0;
    var indices = {};
    camposDe(form).forEach(function (el) {
      if (!(el.name in datos)) { return; }
      var v = datos[el.name];
      var t = (el.type || "").toLowerCase();
      if (t === "checkbox" || t === "radio") {
        var marcado = [].concat(v).indexOf(el.value) !== -1;
        if (el.checked !== marcado) { el.checked = marcado; cambios++; }
      } else if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = [].concat(v).indexOf(o.value) !== -1; });
        cambios++;
      } else {
        var valor = Array.isArray(v) ? v[(indices[el.name] = (indices[el.name] || 0) + 1) - 1] : v;
        if (valor !== undefined && el.value !== valor) { el.value = valor; cambios++; }
      }
    });
    return cambios;
  }

  var pendientes = [];
  function guardar(form, clave) {
    if (!ls) { return; }
    try { ls.setItem(clave, JSON.stringify({ t: Date.now(), datos: serializar(form) })); } catch (e) { /* full */ }
  }
  function guardarTodo() { pendientes.forEach(function (p) { guardar(p.form, p.clave); }); }

  if (ls) {
    var enviado = null;
    try { enviado = sessionStorage.getItem(CLAVE_ENVIO); sessionStorage.removeItem(CLAVE_ENVIO); } catch (e) { /* private mode */ }
    var hayErrores = !!document.querySelector("[data-vu-errores], .is-invalid, .invalid-feedback, .errorlist");
    var esIngreso = location.pathname === urlIngresar || !body.dataset.sessionIdle;
    if (enviado && !hayErrores && !esIngreso) {
      // The previous page's submit went through: its draft is in the database now.
      ls.removeItem(enviado);
    }

    var recuperado = false;
    formulariosGuardables().forEach(function (form, i) {
      var clave = claveDe(form, i);
      pendientes.push({ form: form, clave: clave });
      var crudo = ls.getItem(clave);
      if (crudo && !hayErrores) {
        try { if (restaurar(form, JSON.parse(crudo).datos) > 0) { recuperado = true; } } catch (e) { ls.removeItem(clave); }
      }
      var temporizador = null;
      var alCambiar = function () {
        clearTimeout(temporizador);
        temporizador = setTimeout(function () { guardar(form, clave); }, 300);
      };
      form.addEventListener("input", alCambiar);
      form.addEventListener("change", alCambiar);
      form.addEventListener("submit", function () {
        guardar(form, clave);
        try { sessionStorage.setItem(CLAVE_ENVIO, clave); } catch (e) { /* ignore */ }
      });
    });

    var avisoEl = document.getElementById("vuAvisoBorrador");
    if (recuperado && avisoEl) {
      avisoEl.hidden = false;
      avisoEl.classList.add("d-flex");
      var descartar = document.getElementById("vuDescartarBorrador");
      if (descartar) {
        descartar.addEventListener("click", function () {
          pendientes.forEach(function (p) { ls.removeItem(p.clave); });
          location.reload();
        });
      }
    }

    // An explicit logout clears every kept draft of this browser (shared computers).
    var salir = document.querySelector("form[data-vu-salir]");
    if (salir) {
      salir.addEventListener("submit", function (ev) {
        var boton = ev.submitter;
        if (boton && boton.value === "no") { return; }
        Object.keys(ls).forEach(function (k) { if (k.indexOf(PREFIJO) === 0) { ls.removeItem(k); } });
      });
    }
  }

  /* ---------- 3. Focus the error summary ---------- */
  var resumen = document.querySelector("[data-vu-errores]");
  if (resumen) { resumen.focus(); }
})();

/* Behaviour declared in the markup, so pages need no inline scripts or handlers (the
 * Content-Security-Policy allows only script files of this site):
 * - form.vu-un-envio: the submit button is disabled on the first submit (its text becomes
 *   data-enviando), so a double click does not send the form twice.
 * - form[data-vu-confirmar]: asks the question in the attribute before submitting.
 * - [data-vu-ancho]: sets the element's width to that percentage (progress bars).
 */
(function () {
  "use strict";
  document.querySelectorAll("form[data-vu-confirmar]").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (!window.confirm(f.dataset.vuConfirmar)) { ev.preventDefault(); ev.stopImmediatePropagation(); }
    }, true);
  });
  document.querySelectorAll("form.vu-un-envio").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }
      var b = f.querySelector("button[type=submit]");
      if (!b) { return; }
      if (b.disabled) { ev.preventDefault(); return; }
      b.disabled = true;
      if (b.dataset.enviando) { b.textContent = b.dataset.enviando; }
    });
  });
  document.querySelectorAll("[data-vu-ancho]").forEach(function (el) {
    var v = parseFloat(el.dataset.vuAncho);
    if (!isNaN(v)) { el.style.width = Math.max(0, Math.min(100, v)) + "%"; }
  });

  /* A table that scrolls sideways inside itself (narrow screens) can be reached and scrolled
     with the keyboard: it takes the focus only while it overflows. */
  function tablasDesplazables() {
    document.querySelectorAll("main table, .table-responsive").forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) {
        t.setAttribute("tabindex", "0");
      } else if (t.getAttribute("tabindex") === "0") {
        t.removeAttribute("tabindex");
      }
    });
  }
  tablasDesplazables();
  window.addEventListener("resize", tablasDesplazables);
})();
