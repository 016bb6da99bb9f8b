/* Firma con e.firma (FIEL) en el navegador, como la VUCEM.
 *
 * A form marked data-vu-firma carries the exact bytes to sign in data-cadena (base64 of the
 * UTF-8 cadena original or login nonce issued by the server). On submit this script:
 *   1. reads the .cer and .key the user picked (inputs WITHOUT a name: they are never posted);
 *   2. opens the PKCS#8 key (PBES2 + PBKDF2 + DES-EDE3-CBC, as the SAT makes it) with
 *      node-forge, trying the password as UTF-8 and then as Windows-1252 (passwords with ñ);
 *   3. checks that key and certificate match, and says so in Spanish if not;
 *   4. signs the bytes with SHA256withRSA (PKCS#1 v1.5) and puts only the certificate and the
 *      signature (base64) into the hidden fields "certificado" and "firma", then submits.
 * Nothing else leaves the browser. No eval, no inline code (CSP script-src 'self').
 */
(function () {
  "use strict";

  var MENSAJES = {
    sinCer: "Seleccione el archivo del certificado (.cer).",
    sinKey: "Seleccione el archivo de la clave privada (.key).",
    sinPassword: "Escriba la contraseña de la clave privada.",
    grande: "El archivo es demasiado grande; verifique que seleccionó el archivo correcto.",
    cerMalo: "El archivo del certificado (.cer) está dañado o no es un certificado; revise que no haya intercambiado los archivos.",
    keyMala: "El archivo de la clave privada (.key) está dañado o no es una clave privada cifrada; revise que no haya intercambiado los archivos.",
    password: "La contraseña de la clave privada no es válida.",
    noCorresponde: "El certificado no corresponde con la llave privada.",
    noRsa: "La clave privada no es RSA; la e.firma del SAT usa llaves RSA.",
    lectura: "No fue posible leer el archivo seleccionado.",
    sinForge: "No se pudo cargar el componente de firma; recargue la página.",
    firmando: "Firmando en su equipo… su clave privada y su contraseña no se envían.",
    enviando: "Firma lista; enviando el certificado y la firma…"
  };

  /* Windows-1252 bytes 0x80–0x9F (the rest of the range equals Latin-1). */
  var CP1252 = {
    0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86,
    0x2021: 0x87, 0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c,
    0x017d: 0x8e, 0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95,
    0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b,
    0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f
  };

  function cp1252(texto) {
    var salida = "";
    for (var i = 0; i < texto.length; i++) {
      var c = texto.charCodeAt(i);
      if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) { salida += String.fromCharCode(c); }
      else if (CP1252[c] !== undefined) { salida += String.fromCharCode(CP1252[c]); }
      else { return null; } /* not representable in Windows-1252 */
    }
    return salida;
  }

  function Fallo(mensaje) { this.mensaje = mensaje; }

  function leerArchivo(input, faltante, maximo) {
    return new Promise(function (resolver, rechazar) {
      var archivo = input && input.files && input.files[0];
      if (!archivo) { rechazar(new Fallo(faltante)); return; }
      if (archivo.size > maximo) { rechazar(new Fallo(MENSAJES.grande)); return; }
      var lector = new FileReader();
      lector.onload = function () {
        var bytes = new Uint8Array(lector.result);
        var partes = [];
        for (var i = 0; i < bytes.length; i += 8192) {
          partes.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)));
        }
        resolver(partes.join(""));
      };
      lector.onerror = function () { rechazar(new Fallo(MENSAJES.lectura)); };
      lector.readAsArrayBuffer(archivo);
    });
  }

  /* DER bytes of a file that may be PEM ("-----BEGIN <etiqueta>-----") or raw DER. */
  function derDe(binario, etiquetas) {
    if (binario.indexOf("-----BEGIN ") === -1) { return binario; }
    var bloques = forge.pem.decode(binario);
    for (var i = 0; i < bloques.length; i++) {
      if (etiquetas.indexOf(bloques[i].type) !== -1) { return bloques[i].body; }
    }
    throw new Error("PEM sin el bloque esperado");
  }

  /* The certificate's RSA public key, walking the ASN.1 (SAT names in T61String and other
   * oddities do not matter here). */
  function llavePublica(cerBinario) {
    var cert = forge.asn1.fromDer(derDe(cerBinario, ["CERTIFICATE", "X509 CERTIFICATE"]));
    var tbs = cert.value[0];
    var i = tbs.value[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
    return forge.pki.publicKeyFromAsn1(tbs.value[i + 5]);
  }

  function abrirLlave(keyBinario, password) {
    var asn1;
    try {
      asn1 = forge.asn1.fromDer(derDe(keyBinario, ["ENCRYPTED PRIVATE KEY"]));
    } catch (e) { throw new Fallo(MENSAJES.keyMala); }
    var candidatas = [forge.util.encodeUtf8(password)];
    var enCp1252 = cp1252(password);
    if (enCp1252 !== null && enCp1252 !== candidatas[0]) { candidatas.push(enCp1252); }
    for (var i = 0; i < candidatas.length; i++) {
      var info = null;
      try {
        info = forge.pki.decryptPrivateKeyInfo(asn1, candidatas[i]);
      } catch (e) {
        /* node-forge says "Cannot read encrypted …" before decrypting: not an
         * EncryptedPrivateKeyInfo it can read. Anything else came after decrypting: a wrong
         * password whose padding happened to check out (about 1 in 256), so keep trying. */
        if (/^Cannot read encrypted/.test(String(e && e.message))) {
          throw new Fallo(MENSAJES.keyMala);
        }
      }
      if (info) {
        try {
          var llave = forge.pki.privateKeyFromAsn1(info);
          if (!llave || !llave.n) { throw new Fallo(MENSAJES.noRsa); }
          return llave;
        } catch (e) {
          if (e instanceof Fallo) { throw e; }
          /* padding happened to look right with a wrong password: keep trying */
        }
      }
    }
    throw new Fallo(MENSAJES.password);
  }

  function firmar(form, cerBinario, keyBinario, password) {
    var publica;
    try { publica = llavePublica(cerBinario); } catch (e) { throw new Fallo(MENSAJES.cerMalo); }
    var llave = abrirLlave(keyBinario, password);
    if (llave.n.compareTo(publica.n) !== 0 || llave.e.compareTo(publica.e) !== 0) {
      throw new Fallo(MENSAJES.noCorresponde);
    }
    var md = forge.md.sha256.create();
    md.update(forge.util.decode64(form.dataset.cadena)); /* raw bytes, exactly as issued */
    var firma = llave.sign(md);
    if (!publica.verify(md.digest().getBytes(), firma)) { throw new Fallo(MENSAJES.noCorresponde); }
    return { certificado: forge.util.encode64(cerBinario), firma: forge.util.encode64(firma) };
  }

  function iniciar(form) {
    var estado = form.querySelector("[data-vu-estado]");
    var boton = form.querySelector("button[type=submit]");
    var textoBoton = boton ? boton.textContent : "";
    var maximo = parseInt(form.dataset.maxBytes || "65536", 10);
    var enviando = false;

    function mostrar(mensaje, error) {
      if (!estado) { return; }
      estado.textContent = mensaje;
      estado.className = "alert mt-3 mb-0 " + (error ? "alert-danger" : "alert-info");
      estado.setAttribute("role", error ? "alert" : "status");
      estado.hidden = false;
      if (error) { estado.focus(); }
    }

    function liberar() {
      enviando = false;
      if (boton) { boton.disabled = false; boton.textContent = textoBoton; }
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (enviando) { return; }
      if (typeof forge === "undefined") { mostrar(MENSAJES.sinForge, true); return; }
      var inputCer = form.querySelector("[data-vu-cer]");
      var inputKey = form.querySelector("[data-vu-key]");
      var inputPassword = form.querySelector("[data-vu-password]");
      var password = inputPassword ? inputPassword.value : "";
      enviando = true;
      if (boton) { boton.disabled = true; boton.textContent = boton.dataset.enviando || textoBoton; }
      mostrar(MENSAJES.firmando, false);
      Promise.all([
        leerArchivo(inputCer, MENSAJES.sinCer, maximo),
        leerArchivo(inputKey, MENSAJES.sinKey, maximo)
      ]).then(function (archivos) {
        if (!password) { throw new Fallo(MENSAJES.sinPassword); }
        /* let the status message paint before the (synchronous) key derivation */
        return new Promise(function (resolver) { setTimeout(resolver, 20); }).then(function () {
          return firmar(form, archivos[0], archivos[1], password);
        });
      }).then(function (resultado) {
        form.querySelector("input[name=certificado]").value = resultado.certificado;
        form.querySelector("input[name=firma]").value = resultado.firma;
        mostrar(MENSAJES.enviando, false);
        form.submit(); /* only named fields travel: csrf, hidden data, certificado, firma */
      }).catch(function (e) {
        liberar();
        var mensaje = e instanceof Fallo ? e.mensaje : MENSAJES.keyMala;
        if (mensaje === MENSAJES.password && inputPassword) { inputPassword.value = ""; }
        mostrar(mensaje, true);
      });
    });
  }

  var formas = document.querySelectorAll("form[data-vu-firma]");
  for (var i = 0; i < formas.length; i++) { iniciar(formas[i]); }
})();
