i-sign = Je signe
as-person = à titre personnel
for-organization = au nom d’une organisation
your-name = Votre nom
name-hint-unknown = (pour une organisation : la personne qui signe en son nom)
name-of-signer = Nom de la personne qui signe
email-hint = (pour confirmer ; jamais affiché)
organization-label = Organisation
organization-hint-unknown = (obligatoire pour signer au nom d’une organisation ; sinon votre affiliation, facultatif)
organization-hint-person = (votre affiliation, facultatif)
title-label = Titre ou fonction
optional = (facultatif)
city-label = Ville
country-label = Pays
website-label = Site web
website-hint-unknown = (organisations uniquement, facultatif)
comment-label = Commentaire
list-publicly = Afficher mon nom publiquement
list-publicly-hint = Votre nom, organisation, fonction, ville, pays et commentaire apparaissent alors sur la page de la lettre et dans la liste des signataires. Case non cochée, votre signature est comptée mais pas affichée.
    .fields = name organization title city country comment
keep-updated = Me tenir informé·e de cette lettre
partner-informed = Autoriser { $partner } à me tenir informé·e
honeypot-label = Laissez ce champ vide
problem-heading = Il y a un problème
correct-fields = Veuillez corriger les champs signalés ci-dessous.
press-again = Veuillez vérifier vos informations et appuyer à nouveau sur Signer.
slow-down = Beaucoup de personnes viennent de signer depuis votre réseau. Attendez une minute, puis appuyez à nouveau sur Signer : vos informations sont conservées ci-dessous.
check-address = Veuillez vérifier l’adresse et appuyer à nouveau sur le bouton.
error-choose-kind = Indiquez si vous signez à titre personnel ou au nom d’une organisation.
error-organizations-only = Cette lettre est signée uniquement par des organisations.
error-individuals-only = Cette lettre est signée uniquement par des personnes.
error-enter-name = Saisissez votre nom.
error-enter-organization = Saisissez le nom de l’organisation.
error-enter-email = Saisissez votre adresse e-mail.
error-email-too-long = Cette adresse e-mail est trop longue.
error-email-invalid = Saisissez une adresse e-mail comme nom@example.org.
error-blocked-domain = Les signatures de ce domaine de messagerie ne sont pas acceptées. Veuillez utiliser une autre adresse.
error-empty = Ce champ ne peut pas être vide.
error-too-long =
    { $count ->
        [one] { $count } caractère au maximum.
       *[other] { $count } caractères au maximum.
    }
error-line-break = Écrivez ceci sur une seule ligne.
error-separator = Utilisez des retours à la ligne ordinaires, pas les séparateurs de ligne ou de paragraphe Unicode.
error-control = Ce texte contient des caractères non autorisés : des caractères de contrôle comme NUL ou échap.
error-direction = Ce texte contient des caractères non autorisés : des caractères invisibles qui changent le sens du texte.
error-invisible = Ce texte contient des caractères non autorisés : des caractères de mise en forme invisibles comme les espaces sans chasse.
error-unsupported = Ce texte contient des caractères non autorisés : des caractères à usage privé ou non attribués, qui s’affichent comme des carrés ou pas du tout.
error-marks = Trop d’accents sont empilés sur une même lettre.
error-no-letter = Utilisez au moins une lettre ou un chiffre.
error-web-address = Saisissez une adresse web comme https://example.org.
# listing: the sign form's words for an organization.
listing-org-name = Nom de l’organisation
listing-list-your-org = Afficher votre organisation publiquement parmi les signataires
listing-add-organization = Ajouter notre organisation
listing-review-up-front = L’équipe de la coalition vérifie les organisations avant qu’elles ne comptent et n’apparaissent sur la lettre.
