language-name = Español
languages-label = Idioma
skip-to-content = Ir al contenido
privacy-notice = Aviso de privacidad
feed-title = cartas abiertas
error-prefix = Error:{" "}
letter-to = A { $addressee }
open-letter-to = Una carta abierta a { $addressee }
og-image-alt = { $title }: una carta abierta a { $addressee }, { $signatures }
signatures =
    { $count ->
        [one] { $count } firma
       *[other] { $count } firmas
    }
signatures-word =
    { $count ->
        [one] firma
       *[other] firmas
    }
add-your-name-so-far =
    { $count ->
        [one] Añade tu nombre: { $count } firma hasta ahora
       *[other] Añade tu nombre: { $count } firmas hasta ahora
    }
updates-heading = Novedades
no-signatures-yet = Todavía no hay firmas
signed-by = Firmada por { $who }
signed-by-both = Firmada por { $organizations } y { $individuals }
organizations-count =
    { $count ->
        [one] { $count } organización
       *[other] { $count } organizaciones
    }
individuals-count =
    { $count ->
        [one] { $count } persona
       *[other] { $count } personas
    }
organizations-heading = Organizaciones
individuals-heading = Personas
recent-signatures = Firmas recientes
see-everyone = Ver a todas las personas firmantes
partners-heading = Aportadas por nuestras organizaciones aliadas
text-versions = Versiones del texto
versions-note = cada firma registra la versión que vio quien firmó.
progress-label = Avance hacia la meta
goal = Meta: { $goal }
to-go =
    { $count ->
        [one] falta { $count }
       *[other] faltan { $count }
    }
goal-reached = meta alcanzada
add-your-name = Añade tu nombre
open-until-before = Abierta hasta el{" "}
open-until-after = .
sign-button = Firmar la carta
sign-hint = Te enviamos un enlace por correo para confirmar. Tu dirección de correo nunca se publica.
status-open = abierta
status-closed = cerrada
status-draft = borrador
status-delivered = entregada
not-open-yet = Esta carta todavía no está abierta a firmas.
closed-notice = Esta carta está cerrada y ya no acepta firmas.
signatories = Firmantes
sign-this-letter = Firmar esta carta
names-listed =
    { $count ->
        [one] { $count } nombre publicado
       *[other] { $count } nombres publicados
    }
page-of = página { $page } de { $pages }
no-names-yet = Todavía no hay nombres publicados.
pages-label = Páginas
previous-page = Página anterior
next-page = Página siguiente
open-letters = Cartas abiertas
no-letter-yet = Todavía no se ha publicado ninguna carta.
check-email = Revisa tu correo
check-email-sent = Hemos enviado un mensaje a la dirección que indicaste. Abre el enlace que contiene para confirmar tu firma en
get-new-link = pide un enlace nuevo
sentence-end = .
check-email-until = Hasta que confirmes, tu firma no se cuenta y tu nombre no aparece. Si no llega nada en unos minutos, mira en la carpeta de spam, o
back-to-letter = Volver a la carta
go-to-letter = Ir a la carta
see-open-letters = Ver las cartas abiertas
signature-confirmed = Firma confirmada
resend-heading = Obtener un nuevo enlace de confirmación
resend-intro = Escribe la dirección con la que firmaste { $title }. Si hay una firma pendiente de confirmar, enviamos un enlace nuevo y el anterior deja de funcionar.
email-label = Correo electrónico
send-new-link = Enviar un enlace nuevo
share-heading = Pide a otras personas que firmen
share-intro = Cada nombre da más peso a la carta. Envíala a quienes también la firmarían.
share-link-label = Enlace a la carta
copy-link = Copiar el enlace
share-button = Compartir…
share-email = Correo
embed-title = Firmar: { $title }
embed-hint = Te enviamos un enlace por correo para confirmar; la página siguiente se abre en el sitio de { $site }. Tu dirección de correo nunca se publica.
read-the-letter = Leer la carta
version-title = Versión { $hash }
current-text = El texto actual
earlier-text = Un texto anterior
recorded = registrado
version-word = versión
changed-since = La carta ha cambiado desde entonces.
read-current = Leer la carta actual.
all-versions = Todas las versiones
versions-intro = Cada firma registra la versión del texto que leyó quien firmó. Las más recientes primero.
no-versions = No hay versiones registradas.
current = actual
unsubscribe-heading = Darse de baja de las novedades
unsubscribe-intro = No se enviarán más novedades sobre «{ $title }» a tu dirección. Tu firma sigue en la carta.
unsubscribe-button = Darme de baja
unsubscribed-heading = Te has dado de baja
unsubscribed-text = No se te enviarán más novedades sobre «{ $title }». Tu firma sigue en la carta.
supporters-title = Tus simpatizantes
supporters-of = Simpatizantes de { $organization }
supporters-text =
    { $count ->
        [one] { $count } persona firmó «{ $title }» a través de tu enlace y pidió que { $organization } la mantenga informada. Solo ella figura en el archivo.
       *[other] { $count } personas firmaron «{ $title }» a través de tu enlace y pidieron que { $organization } las mantenga informadas. Solo ellas figuran en el archivo.
    }
download-csv = Descargar CSV
download-json = Descargar JSON
link-works-until = Este enlace personal funciona hasta el { $when }. Por favor, no lo reenvíes.
form-unreadable = No se pudo leer este formulario
form-unreadable-text = Envíalo desde la página de la carta.
link-broken = Este enlace no funciona
link-broken-text = Puede que se haya cortado o copiado mal. Copia la dirección completa del correo en tu navegador.
link-expired = Este enlace ha caducado
link-expired-text = Los enlaces de nuestros correos funcionan durante un tiempo limitado.
link-used = Este enlace ya se ha usado
link-used-text = Cada enlace funciona una sola vez; puede que un correo más reciente lo haya sustituido.
again-verify = Para obtener un enlace nuevo, sigue el enlace de abajo o vuelve a firmar la carta con la misma dirección de correo.
again-withdraw = Cada correo de confirmación lleva su propio enlace para retirar la firma; para obtener uno nuevo, vuelve a firmar con la misma dirección de correo.
again-invite = Pide al equipo de la coalición que envíe un nuevo enlace de invitación.
letter-closed = Esta carta está cerrada
letter-closed-text = La carta dejó de aceptar firmas y ya pasó el plazo para confirmar una firma hecha antes del cierre.
thanks-anyway = Gracias por tu apoyo de todos modos.
confirm-heading = Confirma tu firma
confirm-intro = Pulsa el botón para confirmar tu firma en «{ $title }».
confirm-button = Confirmar mi firma
already-confirmed = Tu firma ya está confirmada
already-confirmed-text = No tienes que hacer nada más. Gracias por firmar.
org-already-signed = Tu organización ya ha firmado
org-already-signed-text = Gracias por confirmar. En la carta ya figura otra firma confirmada de esta organización, así que no se ha añadido por segunda vez.
org-already-signed-mail = Te hemos enviado un correo al respecto; el equipo de la coalición ve ambas firmas.
confirmed-thanks = Gracias. Tu firma está confirmada.
confirmed-review = El equipo de la coalición revisa las firmas de organizaciones; la tuya aparecerá en cuanto la aprueben.
confirmed-counts = Ya cuenta en el total y, si elegiste aparecer, tu nombre figura en la carta.
withdraw-heading = Retirar tu firma
withdraw-intro = Tu nombre se quitará de la lista y del recuento, y tus datos se borrarán. No se puede deshacer.
withdraw-button = Retirar mi firma
withdrawn-already = Tu firma ya estaba retirada
withdrawn = Tu firma está retirada
withdrawn-text = Tu nombre ya no aparece en la carta ni en su recuento, y tus datos se han borrado.
not-found = Página no encontrada
not-found-text = No hay ninguna página en esta dirección. Puede que la carta se haya movido o que la dirección esté mal escrita.
bad-request = Eso no funcionó
too-many = Demasiadas solicitudes
too-many-text = Llegaron demasiadas solicitudes desde tu dirección en poco tiempo. Espera un minuto y vuelve a intentarlo.
not-accepted = No aceptado
server-error = Algo falló por nuestra parte
server-error-text = No se ha cambiado nada. Vuelve a intentarlo en un momento.
# A read turned away in the last moment before this instance stops (a balancer sends it to another).
restarting = Este servidor se está reiniciando
restarting-text = Vuelve a cargar esta página dentro de unos segundos.
unavailable = Lo sentimos, ahora no podemos responder
unavailable-text = Nuestra base de datos no responde, así que no se ha cambiado nada. Vuelve a intentarlo dentro de unos segundos.
page-number-invalid = El número de página de la dirección no es un número.
blocked-network = No se aceptan firmas desde tu red. Si crees que es un error, contacta con la coalición.

## Invites and unsubscribing
invite-already-signed-text = La firma de esta organización ya está en la carta o pendiente de revisión; no se ha cambiado nada.
org-now-listed = Tu organización ya figura en la carta.
thank-you-for-signing = Gracias por firmar
send-one-click = Envía List-Unsubscribe=One-Click para darte de baja.
sign-for = Firmar en nombre de { $organization }
invite-sent-to = Este enlace de invitación se envió a { $email }; no hace falta ninguna otra confirmación.
list-org-publicly = Mostrar { $organization } públicamente entre las entidades firmantes
list-org-publicly-hint = El nombre de la organización, tu nombre y cargo, ciudad, país, sitio web y comentario aparecerán en las páginas de la carta. Sin marcar, la firma se cuenta pero no se muestra.
    .fields = name organization title city country comment website

## Delivered
delivered-to = Entregada a { $addressee } el
delivered-read-more = Más información sobre la entrega

# The defaults of [site] tagline and footer, shown when the operator kept them.
site-default-tagline = Cartas abiertas, firmadas en público
site-default-footer = Cada firma se confirma por correo electrónico antes de contarse. Las direcciones de correo nunca se publican.

# The share step's Copy button once the link is copied (static/share.js reads them from the page).
signer-copied = Copiado
signer-link-copied = El enlace está copiado.
# l10nupdates: the delivery in the letter page's updates timeline.
updates-delivered-to = Entregada a { $addressee }
# l10nupdates: the sentence that opens the update sent from a delivery (its version in a translation's language).
updates-delivered-body = «{ $title }» fue entregada a { $addressee } el { $date }.
# The language switcher: the letter on this page is not written in this language.
language-interface-only = (carta no traducida)
# signerloop: the signer's choices said back (check-email page, confirmation email, confirm and confirmed pages).
signerloop-yes = sí
signerloop-no = no
signerloop-choice-public = Nombre visible públicamente en la carta: { $answer }
signerloop-choice-updates = Novedades de esta carta por correo: { $answer }
signerloop-choice-shared = Datos compartidos con { $member }: { $answer }
signerloop-choices-heading = Lo que elegiste
signerloop-choices-hint = Puedes cambiarlo antes de confirmar.
signerloop-choices-change-mail = La página que abre el botón te permite cambiarlo antes de confirmar.
# signerloop: the check-email page.
signerloop-sent-to = Enviamos un mensaje a { $email }. Abre el enlace que contiene para confirmar tu firma de { $title }.
signerloop-did-you-mean = ¿Quisiste decir { $email }?
signerloop-use-suggestion = Sí, corregir mi dirección
signerloop-wrong-address = ¿Dirección equivocada?
signerloop-change-it = Cámbiala
signerloop-change-choices = Cambiar lo que elegiste
signerloop-change-before = (antes de confirmar)
# signerloop: a sign form posted from another site's page.
signerloop-cross-site = Firma en la página de la carta
signerloop-cross-site-text = Este formulario se envió desde la página de otro sitio, así que no se firmó nada ni se envió ningún correo. Para firmar, abre la carta aquí y usa su formulario.
signerloop-cross-site-link = Ir a la carta para firmar
# signerloop: a confirm link of a signature withdrawn since.
signerloop-link-withdrawn = Esta firma fue retirada
signerloop-link-withdrawn-text = Este enlace pertenece a una firma que se retiró después, así que no queda nada por confirmar. Puedes volver a firmar la carta si quieres.
# signerloop: the confirmed page, saying what the signer chose.
signerloop-confirmed-listed = Ya cuenta en el total y aparece públicamente en la carta.
signerloop-confirmed-unlisted = Ya cuenta en el total. Como elegiste, no aparece públicamente.
signerloop-signed-as = Firmado como { $name }
signerloop-signing-for = Firmado por { $name }
# signerloop: the withdraw pages name the letter and the person.
signerloop-withdraw-intro = Tu firma de { $title } se quitará de la lista y del total, y se borrarán tus datos. No se puede deshacer.
signerloop-withdrawn-named = { $name } ya no aparece en «{ $title }».
signerloop-withdrawn-from = Tu firma de «{ $title }» está retirada.
# signerloop: the letter page in a browser that signed it.
signerloop-you-signed = Firmaste esta carta
signerloop-you-signed-text = Gracias. Si aún no confirmaste, abre el enlace que te enviamos por correo: hasta entonces tu firma no cuenta. Ahora pide a otras personas que firmen.
signerloop-sign-another = Firmar con otro nombre u otra dirección
# listing: the one notion of listed (signatures::Listing) in the page's sentences.
listing-partly-listed =
    { $listed ->
        [0] { $who } (ninguna a la vista)
       *[other] { $who } ({ $listed } en la lista de abajo)
    }
listing-be-first = Sé la primera persona en firmar
listing-org-counted-unlisted = La firma de tu organización ya cuenta. Como elegiste, no se muestra públicamente: su nombre no aparece en las páginas de la carta.
listing-review-unlisted = El equipo de la coalición revisa las firmas de organizaciones antes de contarlas. En cuanto la aprueben, la firma de tu organización contará; como elegiste, no se mostrará públicamente.
listing-og-image-alt-first = { $title }: una carta abierta a { $addressee }. Sé la primera persona en firmar.
# staffdeliver: the print view's count of every counted signature, above the names.
staffdeliver-print-signatures =
    { $count ->
        [one] { $count } firma
       *[other] { $count } firmas
    }
# staffdeliver: after the listed organizations, the counted ones that chose not to be listed.
staffdeliver-more-organizations =
    { $count ->
        [one] y { $count } organización más
       *[other] y { $count } organizaciones más
    }
# staffdeliver: after the listed individuals, the counted ones who chose not to be listed.
staffdeliver-more-individuals =
    { $count ->
        [one] y { $count } persona más
       *[other] y { $count } personas más
    }
# staffdeliver: the console's count of addresses an update goes to.
staffdeliver-addresses =
    { $count ->
        [one] { $count } dirección
       *[other] { $count } direcciones
    }

# signatories: the search form on the signatories page.
signatories-search-region = Buscar entre los firmantes
signatories-search-label = Nombre u organización
signatories-search-hint = Basta con parte del nombre; los acentos y las mayúsculas no importan.
signatories-country-label = País
signatories-search-button = Buscar
signatories-search-clear = Mostrar todos los firmantes
signatories-search-found =
    { $count ->
        [one] { $count } firmante encontrado
       *[other] { $count } firmantes encontrados
    }
signatories-search-none = Ningún firmante coincide con { $search }.
# The embed (a member's site frames the sign form): under the form; the answer stays in the frame.
embedupdates-hint = Te enviamos un enlace por correo para confirmar tu firma. Tu dirección de correo nunca se publica.
# The embed's "check your email": before the address the person typed.
embedupdates-sent-to = El enlace se envió a
# The embed's "check your email": a link back to the form, to sign with another address.
embedupdates-wrong-address = ¿No es tu dirección? Firma de nuevo
# myself: /my-signatures, where a person sees and withdraws what is held on them.
myself-heading = Tus firmas
myself-footer-link = Tus firmas
myself-intro = Escribe la dirección de correo con la que firmaste. Si firmó alguna carta aquí, le enviamos un enlace a la lista de todas las cartas que firmó: qué es público, qué guardamos y por qué, y un botón para retirar cada firma o todas.
myself-email-hint = (con la que firmaste)
myself-send-button = Enviarme la lista
myself-cross-site-text = Esto se envió desde la página de otro sitio, así que no se hizo nada. Abre esta página en nuestro sitio para pedir tu lista.
myself-sent-heading = Revisa tu correo
myself-sent-text = Si la dirección que escribiste firmó una carta aquí, le hemos enviado un enlace a la lista de sus firmas. El enlace funciona durante 24 horas.
myself-sent-nothing = ¿No llegó nada? Mira en la carpeta de correo no deseado. Una firma retirada no guarda nada sobre ti, así que una dirección con todas sus firmas retiradas no recibe ningún correo.
myself-sent-again = Pedir la lista de nuevo
myself-link-dead = Este enlace no funciona
myself-link-dead-text = Ha caducado (funciona 24 horas) o no se copió entero. Pide uno nuevo.
myself-list-heading = Las cartas que firmaste
myself-withdrawn-heading = Retirada
myself-withdrawn-from = Tu firma en { $title } está retirada.
myself-none = No guardamos nada sobre esta dirección: no tiene firmas en ninguna carta aquí, o se retiraron todas.
myself-count =
    { $count ->
        [one] Esta dirección firmó { $count } carta.
       *[other] Esta dirección firmó { $count } cartas.
    }
myself-list-intro = Para cada una: en qué estado está, qué ve el público, qué guardamos y por qué.
myself-signed-on = Firmada el
myself-status = Estado
myself-public = Público
myself-state-pending = Esperando que la confirmes con el enlace que te enviamos
myself-state-awaiting-approval = Confirmada; esperando que el equipo de la coalición apruebe la organización
myself-state-counted = Confirmada y contada
myself-state-rejected = No aceptada por el equipo de la coalición: ni se cuenta ni se muestra
myself-state-removed = Retirada por el equipo de la coalición: ni se cuenta ni se muestra
myself-state-duplicate = No añadida: la organización ya había firmado
myself-public-listed = Tu nombre y los datos marcados «público» abajo aparecen en la lista de firmantes de la carta.
myself-public-counted = Contada en el total; no se muestra nada sobre ti, como elegiste.
myself-public-nothing = Nada: ni se cuenta ni se muestra.
myself-held-heading = Qué guardamos
myself-held-name = Nombre
myself-held-organization = Organización
myself-held-email = Dirección de correo
myself-tag-public = público
myself-tag-private = no público
myself-not-held = No se guarda
myself-why-heading = Por qué guardamos tu dirección
myself-address-not-held = No guardamos tu dirección para esta firma, solo una huella cifrada con clave que no permite recuperarla. Reconoce una segunda firma tuya, y con ella se encontró esta para esta lista.
myself-reason-confirm = Para confirmar tu firma: hasta que lo hagas, el enlace va a esta dirección.
myself-reason-updates = Pediste recibir novedades sobre esta carta.
myself-reason-member = Pediste que { $member } te mantenga informado: recibe tu nombre y tu dirección.
myself-reason-organization = Firmaste en nombre de una organización: la coalición guarda una forma de contactar con su contacto.
myself-reason-delivery = La coalición guarda las direcciones de quienes firman esta carta hasta que se entregue.
myself-reason-kept = Ya no queda ningún motivo: se borra en menos de una hora.
myself-withdraw-one = Retirar esta firma
myself-withdraw-all-text = Retirar quita tu nombre de las listas y los totales de las cartas y borra tus datos. No se puede deshacer.
myself-withdraw-all = Retirar todas mis firmas
myself-ask-again = Pedir un enlace nuevo
myself-reason-delivery-until = La coalición guarda las direcciones de quienes firman esta carta hasta el { $when }.
myself-reason-member-gone = Pediste que una organización miembro te mantenga informado; ya no está en la lista de la coalición.
# A member contact's download page: what the file holds for each signer (the partner file's columns).
partners-file-columns = Para cada una, el archivo da el nombre, la organización, el cargo, la ciudad, el país, la dirección de correo, el idioma y el día en que firmó.
# privacy: the notice at /privacy, written from the configuration (src/http/privacy.rs), and
# the line by every sign button.
privacy-lede = Este aviso está escrito a partir de la propia configuración del sitio, así que dice lo que el sitio hace de verdad con los datos que le das.
privacy-list-separator = ,{" "}
privacy-field-title = cargo o función
privacy-field-city = ciudad
privacy-field-country = país
privacy-field-comment = comentario
privacy-field-website = sitio web (de una organización)
privacy-who-heading = Quién es responsable
privacy-who = { $site } gestiona este sitio y sus cartas abiertas, y es responsable de los datos que das aquí.
privacy-contact = Para preguntar qué guardamos sobre ti, o para que se corrija o se borre, escribe a { $contact }.
privacy-no-contact = { $site } no da aquí una dirección de correo para consultas: los enlaces de los correos que te enviamos retiran tu firma y detienen nuestros correos.
privacy-kept-heading = Qué guardamos cuando firmas
privacy-kept-details = Tu nombre y tu dirección de correo, la organización por la que firmas si es el caso, y lo demás que rellenes: { $fields }.
privacy-kept-choices = Lo que eliges: si tu nombre aparece públicamente, si quieres novedades sobre la carta y si una organización miembro puede mantenerte informada o informado.
privacy-kept-record = El texto de la carta que leíste y su idioma, cuándo firmaste y cuándo confirmaste.
privacy-kept-no-network = No guardamos tu dirección de red (IP) con tu firma.
privacy-address-heading = Tu dirección de correo
privacy-address-confirm = Primero la usamos para enviarte el enlace que confirma tu firma.
privacy-address-reasons = Una vez confirmada la firma, solo la guardamos mientras conste un motivo:
privacy-reason-updates = pediste recibir novedades sobre la carta;
privacy-reason-member = permitiste que una organización miembro te mantenga informada o informado;
privacy-reason-organization = firmaste por una organización, como su contacto;
privacy-reason-delivery = la carta guarda las direcciones de quienes firman hasta su entrega.
privacy-address-fingerprint = Si no, la sustituimos por una huella con clave. La huella nos dice cuándo la misma dirección vuelve a firmar y mantiene válido tu enlace para retirar la firma, pero no permite recuperar tu dirección, y sin una clave secreta guardada fuera de la base de datos ni siquiera se puede comparar con una dirección adivinada.
privacy-delivery-letters = Estas cartas guardan las direcciones de quienes firman hasta su entrega: { $letters }.
privacy-delivery-none = Por ahora ninguna carta de este sitio guarda las direcciones de quienes firman hasta su entrega.
privacy-public-heading = Qué es público
privacy-public = Solo si marcas «{ $box }»: entonces tu nombre, organización, { $fields } y cuándo firmaste aparecen en las páginas de la carta y en su lista de firmantes, y en los datos que el sitio publica sobre la carta. Sin marcarla, tu firma se cuenta pero no aparece. Tu dirección de correo nunca se publica.
privacy-sees-heading = Quién más ve tus datos
privacy-sees-staff = El equipo de { $site }, en su consola: cada firma y los datos que guardamos, para comprobar, contar y entregar las firmas.
privacy-sees-addressee = La persona destinataria de la carta, cuando { $site } le entrega la lista de firmantes.
privacy-sees-member = Una organización miembro a la que permitiste mantenerte informada o informado: tu nombre, organización, cargo, ciudad, país, dirección de correo, idioma y la fecha en que firmaste, y nada más.
privacy-sees-mail = El servicio de correo que te lleva nuestros mensajes.
privacy-how-long-heading = Cuánto tiempo lo guardamos
privacy-long-unconfirmed = Una firma sin confirmar se borra { $days ->
        [one] al cabo de { $days } día
       *[other] al cabo de { $days } días
    } (su enlace de confirmación vale { $hours ->
        [one] { $hours } hora
       *[other] { $hours } horas
    }).
privacy-long-confirmed = Una firma confirmada (tu nombre y lo que rellenaste) se guarda con la carta, como constancia de quién la firmó, hasta que la retires.
privacy-long-updates = Una dirección guardada para novedades se guarda hasta que te des de baja (el enlace de cada novedad) o retires tu firma; una guardada para una organización miembro o como contacto de una organización, hasta que retires tu firma.
privacy-long-delivery = Una dirección guardada solo porque la carta guarda las direcciones hasta su entrega se borra { $days ->
        [one] { $days } día
       *[other] { $days } días
    } después del cierre o la entrega de la carta.
privacy-long-mail = La copia de cada correo que te enviamos se borra { $days ->
        [one] { $days } día
       *[other] { $days } días
    } después de enviarlo, y se vacía de tu dirección en cuanto dejamos de guardar la dirección.
privacy-long-logs = El registro de peticiones del servidor anota la dirección de red desde la que se pidió cada página; { $site } decide cuánto tiempo guarda sus registros.
privacy-withdraw-heading = Retirar la firma y dejar de recibir correos
privacy-withdraw = El correo de confirmación lleva un enlace que retira tu firma y borra tus datos al momento; vale { $days ->
        [one] { $days } día
       *[other] { $days } días
    }. Cada correo sobre una carta lleva un enlace para dejar de recibirlos.
privacy-own-heading = De { $site }
privacy-own-link = { $site } tiene también su propio aviso de privacidad: { $link }
privacy-gist = Una vez confirmada la firma, { $site } solo guarda tu dirección de correo si pides novedades, permites que un miembro te mantenga informada o informado, o firmas por una organización.
privacy-gist-until-delivery = En esta carta, { $site } guarda tu dirección de correo hasta su entrega y la borra { $days ->
        [one] { $days } día
       *[other] { $days } días
    } después del cierre o la entrega de la carta (más tiempo solo si pides novedades, permites que un miembro te mantenga informada o informado, o firmas por una organización).
privacy-gist-organization = { $site } guarda tu dirección de correo como contacto de la organización mientras su firma siga en la carta, y nunca la publica.
privacy-gist-link = Qué guardamos, cuánto tiempo y quién lo ve
privacy-delivery-erased-on = { $letter } (las direcciones de quienes la firmaron se borran el { $date })
myself-privacy-see-all = Para ver todas las cartas que firmó tu dirección, qué guardamos y por qué, y retirar cualquiera, pídelo en { $page }: enviamos la lista a esa dirección.
