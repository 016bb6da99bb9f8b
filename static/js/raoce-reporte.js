  /* Show the chosen program's folio, modalidad, tipo and estatus (read-only). */
  (function () {
    var f = document.getElementById("form-programas");
    if (!f) return;
    function mostrar() {
      var r = f.querySelector("input[name=grupo]:checked");
      ["folio", "modalidad", "tipo", "estatus"].forEach(function (k) {
        document.getElementById("sel-" + k).textContent = r ? (r.dataset[k] || "—") : "—";
      });
    }
    f.addEventListener("change", mostrar);
    mostrar();
  })();

  /* Live saldo (b − c) and porcentaje de exportación (b / a · 100) while typing. Only a
     preview: the server parses the amounts and computes both again. */
  (function () {
    var form = document.getElementById("form-reporte");
    if (!form) return;
    var a = document.getElementById("id_ventas_totales");
    var b = document.getElementById("id_total_exportaciones");
    var c = form.querySelector("input[name=total_importaciones]");
    var saldo = document.getElementById("saldo"), porcentaje = document.getElementById("porcentaje");
    var fmt3 = new Intl.NumberFormat("es-MX", {minimumFractionDigits: 3, maximumFractionDigits: 3});
    var fmt2 = new Intl.NumberFormat("es-MX", {minimumFractionDigits: 2, maximumFractionDigits: 2});
    function leer(el) {
      if (!el) return 0;
      var t = el.value.replace(/[\s,]/g, "");
      if (t === "") return null;
      return /^\+?(\d+(\.\d*)?|\.\d+)$/.test(t) ? parseFloat(t) : NaN;
    }
    function calcular() {
      var va = leer(a), vb = leer(b), vc = c ? leer(c) : 0;
      if (vc === null) vc = 0;
      saldo.textContent = (vb === null || isNaN(vb) || isNaN(vc)) ? "—" : fmt3.format(vb - vc);
      porcentaje.textContent = (va === null || vb === null || isNaN(va) || isNaN(vb) || va === 0) ? "—" : fmt2.format(vb / va * 100);
    }
    [a, b, c].forEach(function (el) { if (el) el.addEventListener("input", calcular); });
    /* Enter in an amount saves the amounts (Continuar); in a bien field it adds the bien. */
    form.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" || ev.target.tagName !== "INPUT") return;
      var boton = document.getElementById(ev.target.name.indexOf("bien-") === 0 ? "boton-agregar" : "boton-continuar");
      if (boton) { ev.preventDefault(); boton.click(); }
    });
    calcular();
  })();
