i-sign = Firmo
as-person = a título personal
for-organization = en nombre de una organización
your-name = Tu nombre
name-hint-unknown = (para una organización: la persona que firma en su nombre)
name-of-signer = Nombre de quien firma
email-hint = (para confirmar; nunca se muestra)
organization-label = Organización
organization-hint-unknown = (obligatoria si firmas en nombre de una; si no, tu afiliación, opcional)
organization-hint-person = (tu afiliación, opcional)
title-label = Cargo o función
optional = (opcional)
city-label = Ciudad
country-label = País
website-label = Sitio web
website-hint-unknown = (solo organizaciones, opcional)
comment-label = Comentario
list-publicly = Mostrar mi nombre públicamente
list-publicly-hint = Tu nombre, organización, cargo, ciudad, país y comentario aparecerán en la página de la carta y en la lista de firmantes. Sin marcar, tu firma se cuenta pero no se muestra.
    .fields = name organization title city country comment
keep-updated = Mantenerme al tanto de esta carta
partner-informed = Permitir que { $partner } me mantenga informada o informado
honeypot-label = Deja este campo vacío
problem-heading = Hay un problema
correct-fields = Corrige los campos marcados abajo.
press-again = Revisa tus datos y vuelve a pulsar Firmar.
slow-down = Muchas personas acaban de firmar desde tu red. Espera un minuto y vuelve a pulsar Firmar: tus datos se conservan abajo.
check-address = Revisa la dirección y vuelve a pulsar el botón.
error-choose-kind = Elige si firmas a título personal o en nombre de una organización.
error-organizations-only = Esta carta la firman solo organizaciones.
error-individuals-only = Esta carta la firman solo personas.
error-enter-name = Escribe tu nombre.
error-enter-organization = Escribe el nombre de la organización.
error-enter-email = Escribe tu dirección de correo.
error-email-too-long = Esta dirección de correo es demasiado larga.
error-email-invalid = Escribe una dirección de correo como nombre@example.org.
error-blocked-domain = No se aceptan firmas de este dominio de correo. Usa otra dirección.
error-empty = Esto no puede quedar vacío.
error-too-long =
    { $count ->
        [one] Usa como máximo { $count } carácter.
       *[other] Usa como máximo { $count } caracteres.
    }
error-line-break = Escríbelo en una sola línea.
error-separator = Usa saltos de línea normales, no separadores de línea o de párrafo de Unicode.
error-control = Contiene caracteres no permitidos: caracteres de control como NUL o escape.
error-direction = Contiene caracteres no permitidos: caracteres invisibles que cambian la dirección del texto.
error-invisible = Contiene caracteres no permitidos: caracteres de formato invisibles como los espacios de ancho cero.
error-unsupported = Contiene caracteres no permitidos: caracteres de uso privado o sin asignar, que se ven como cuadros o no se ven.
error-marks = Hay demasiados acentos apilados sobre una letra.
error-no-letter = Usa al menos una letra o un dígito.
error-web-address = Escribe una dirección web como https://example.org.
# listing: the sign form's words for an organization.
listing-org-name = Nombre de la organización
listing-list-your-org = Mostrar tu organización públicamente entre las entidades firmantes
listing-add-organization = Añadir nuestra organización
listing-review-up-front = El equipo de la coalición revisa las organizaciones antes de que cuenten y aparezcan en la carta.
