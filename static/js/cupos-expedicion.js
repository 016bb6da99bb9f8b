  /* Live preview of "Total a expedir" and "Saldo disponible" while typing a monto.
     Only a hint: the server checks every monto and the saldo again. */
  (function () {
    var s = document.getElementById("certificados");
    var input = document.getElementById("id_monto");
    if (!s || !input) return;
    var disponible = parseFloat(s.dataset.disponible), total = parseFloat(s.dataset.total);
    var dec = parseInt(s.dataset.decimales, 10);
    var fmt = new Intl.NumberFormat("es-MX", {maximumFractionDigits: dec});
    var elTotal = document.getElementById("total-a-expedir"), elSaldo = document.getElementById("saldo-disponible");
    var aviso = document.getElementById("aviso-saldo");
    input.addEventListener("input", function () {
      var v = parseFloat(input.value.replace(/,/g, ""));
      if (!(v > 0)) v = 0;
      elTotal.textContent = fmt.format(total + v);
      elSaldo.textContent = fmt.format(disponible - total - v);
      var excede = total + v > disponible + 1e-9;
      aviso.classList.toggle("d-none", !excede);
      input.classList.toggle("is-invalid", excede);
    });
  })();
