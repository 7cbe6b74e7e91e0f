language-name = Français
languages-label = Langue
skip-to-content = Aller au contenu
privacy-notice = Politique de confidentialité
feed-title = lettres ouvertes
error-prefix = Erreur :{" "}
letter-to = À { $addressee }
open-letter-to = Une lettre ouverte à { $addressee }
og-image-alt = { $title } : une lettre ouverte à { $addressee }, { $signatures }
signatures =
    { $count ->
        [one] { $count } signature
       *[other] { $count } signatures
    }
signatures-word =
    { $count ->
        [one] signature
       *[other] signatures
    }
add-your-name-so-far =
    { $count ->
        [one] Ajoutez votre nom : { $count } signature jusqu’ici
       *[other] Ajoutez votre nom : { $count } signatures jusqu’ici
    }
updates-heading = Actualités
no-signatures-yet = Pas encore de signatures
signed-by = Signée par { $who }
signed-by-both = Signée par { $organizations } et { $individuals }
organizations-count =
    { $count ->
        [one] { $count } organisation
       *[other] { $count } organisations
    }
individuals-count =
    { $count ->
        [one] { $count } personne
       *[other] { $count } personnes
    }
organizations-heading = Organisations
individuals-heading = Personnes
recent-signatures = Signatures récentes
see-everyone = Voir tous les signataires
partners-heading = Apportées par nos partenaires
text-versions = Versions du texte
versions-note = chaque signature enregistre la version que son signataire a lue.
progress-label = Progression vers l’objectif
goal = Objectif : { $goal }
to-go =
    { $count ->
        [one] encore { $count }
       *[other] encore { $count }
    }
goal-reached = objectif atteint
add-your-name = Ajoutez votre nom
open-until-before = Ouverte jusqu’au{" "}
open-until-after = .
sign-button = Signer la lettre
sign-hint = Nous vous envoyons un lien de confirmation par e-mail. Votre adresse n’est jamais publiée.
status-open = ouverte
status-closed = close
status-draft = brouillon
status-delivered = remise
not-open-yet = Cette lettre n’est pas encore ouverte aux signatures.
closed-notice = Cette lettre est close et n’accepte plus de signatures.
signatories = Signataires
sign-this-letter = Signer cette lettre
names-listed =
    { $count ->
        [one] { $count } nom affiché
       *[other] { $count } noms affichés
    }
page-of = page { $page } sur { $pages }
no-names-yet = Aucun nom n’est encore affiché.
pages-label = Pages
previous-page = Page précédente
next-page = Page suivante
open-letters = Lettres ouvertes
no-letter-yet = Aucune lettre n’est encore publiée.
check-email = Consultez vos e-mails
check-email-sent = Nous avons envoyé un message à l’adresse indiquée. Ouvrez le lien qu’il contient pour confirmer votre signature de
get-new-link = demandez un nouveau lien
sentence-end = .
check-email-until = Tant que vous n’avez pas confirmé, votre signature n’est pas comptée et votre nom n’apparaît pas. Si rien n’arrive d’ici quelques minutes, regardez dans vos indésirables, ou
back-to-letter = Retour à la lettre
go-to-letter = Aller à la lettre
see-open-letters = Voir les lettres ouvertes
signature-confirmed = Signature confirmée
resend-heading = Obtenir un nouveau lien de confirmation
resend-intro = Indiquez l’adresse avec laquelle vous avez signé { $title }. Si une signature attend sa confirmation, nous envoyons un nouveau lien et l’ancien cesse de fonctionner.
email-label = E-mail
send-new-link = Envoyer un nouveau lien
share-heading = Invitez d’autres personnes à signer
share-intro = Chaque nom donne plus de poids à la lettre. Envoyez-la à celles et ceux qui la signeraient aussi.
share-link-label = Lien vers la lettre
copy-link = Copier le lien
share-button = Partager…
share-email = E-mail
embed-title = Signer : { $title }
embed-hint = Nous vous envoyons un lien de confirmation par e-mail ; la page suivante s’ouvre sur le site de { $site }. Votre adresse n’est jamais publiée.
read-the-letter = Lire la lettre
version-title = Version { $hash }
current-text = Le texte actuel
earlier-text = Un texte antérieur
recorded = enregistré
version-word = version
changed-since = La lettre a changé depuis.
read-current = Lire la lettre actuelle.
all-versions = Toutes les versions
versions-intro = Chaque signature enregistre la version du texte que son signataire a lue. Les plus récentes d’abord.
no-versions = Aucune version n’est enregistrée.
current = actuelle
unsubscribe-heading = Se désabonner des actualités
unsubscribe-intro = Plus aucune actualité sur « { $title } » ne sera envoyée à votre adresse. Votre signature reste sur la lettre.
unsubscribe-button = Se désabonner
unsubscribed-heading = Vous êtes désabonné·e
unsubscribed-text = Plus aucune actualité sur « { $title } » ne vous sera envoyée. Votre signature reste sur la lettre.
supporters-title = Vos soutiens
supporters-of = Soutiens de { $organization }
supporters-text =
    { $count ->
        [one] { $count } personne a signé « { $title } » via votre lien et souhaite que { $organization } la tienne informée. Elle seule figure dans le fichier.
       *[other] { $count } personnes ont signé « { $title } » via votre lien et souhaitent que { $organization } les tienne informées. Elles seules figurent dans le fichier.
    }
download-csv = Télécharger en CSV
download-json = Télécharger en JSON
link-works-until = Ce lien personnel fonctionne jusqu’au { $when }. Merci de ne pas le transférer.
form-unreadable = Ce formulaire n’a pas pu être lu
form-unreadable-text = Envoyez-le depuis la page de la lettre.
link-broken = Ce lien ne fonctionne pas
link-broken-text = Il a peut-être été tronqué ou mal recopié. Copiez l’adresse complète de l’e-mail dans votre navigateur.
link-expired = Ce lien a expiré
link-expired-text = Les liens de nos e-mails fonctionnent pendant une durée limitée.
link-used = Ce lien a déjà été utilisé
link-used-text = Chaque lien ne fonctionne qu’une fois ; un e-mail plus récent l’a peut-être remplacé.
again-verify = Pour obtenir un nouveau lien, suivez le lien ci-dessous ou signez à nouveau la lettre avec la même adresse e-mail.
again-withdraw = Chaque e-mail de confirmation contient son propre lien de retrait ; pour en obtenir un nouveau, signez à nouveau avec la même adresse e-mail.
again-invite = Demandez à l’équipe de la coalition d’envoyer un nouveau lien d’invitation.
letter-closed = Cette lettre est close
letter-closed-text = La lettre n’accepte plus de signatures, et le délai pour confirmer une signature faite avant sa clôture est passé.
thanks-anyway = Merci tout de même pour votre soutien.
confirm-heading = Confirmez votre signature
confirm-intro = Appuyez sur le bouton pour confirmer votre signature de « { $title } ».
confirm-button = Confirmer ma signature
already-confirmed = Votre signature est déjà confirmée
already-confirmed-text = Vous n’avez plus rien à faire. Merci d’avoir signé.
org-already-signed = Votre organisation a déjà signé
org-already-signed-text = Merci de votre confirmation. Une autre signature confirmée de cette organisation figure déjà sur la lettre ; elle n’a donc pas été ajoutée une seconde fois.
org-already-signed-mail = Nous vous avons envoyé un e-mail à ce sujet ; l’équipe de la coalition voit les deux signatures.
confirmed-thanks = Merci. Votre signature est confirmée.
confirmed-review = L’équipe de la coalition vérifie les signatures d’organisations ; la vôtre apparaîtra une fois approuvée.
confirmed-counts = Elle compte désormais dans le total et, si vous avez choisi d’être affiché·e, votre nom apparaît sur la lettre.
withdraw-heading = Retirer votre signature
withdraw-intro = Votre nom sera retiré de la liste et du total, et vos informations supprimées. C’est définitif.
withdraw-button = Retirer ma signature
withdrawn-already = Votre signature était déjà retirée
withdrawn = Votre signature est retirée
withdrawn-text = Votre nom n’apparaît plus sur la lettre ni dans son total, et vos informations ont été supprimées.
not-found = Page introuvable
not-found-text = Il n’y a pas de page à cette adresse. La lettre a peut-être été déplacée, ou l’adresse est mal saisie.
bad-request = Cela n’a pas fonctionné
too-many = Trop de requêtes
too-many-text = Trop de requêtes sont venues de votre adresse en peu de temps. Attendez une minute et réessayez.
not-accepted = Refusé
server-error = Un problème est survenu de notre côté
server-error-text = Rien n’a été modifié. Veuillez réessayer dans un instant.
# A read turned away in the last moment before this instance stops (a balancer sends it to another).
restarting = Ce serveur redémarre
restarting-text = Rechargez cette page dans quelques secondes.
unavailable = Désolé, nous ne pouvons pas répondre pour le moment
unavailable-text = Notre base de données ne répond pas, rien n’a donc été modifié. Veuillez réessayer dans quelques secondes.
page-number-invalid = Le numéro de page dans l’adresse n’est pas un nombre.
blocked-network = Les signatures provenant de votre réseau ne sont pas acceptées. Si vous pensez qu’il s’agit d’une erreur, contactez la coalition.

## Invites and unsubscribing
invite-already-signed-text = La signature de cette organisation figure déjà sur la lettre ou attend d’être vérifiée ; rien n’a été modifié.
org-now-listed = Votre organisation figure désormais sur la lettre.
thank-you-for-signing = Merci d’avoir signé
send-one-click = Envoyez List-Unsubscribe=One-Click pour vous désabonner.
sign-for = Signer au nom de { $organization }
invite-sent-to = Ce lien d’invitation a été envoyé à { $email } ; aucune autre confirmation n’est nécessaire.
list-org-publicly = Afficher { $organization } publiquement parmi les signataires
list-org-publicly-hint = Le nom de l’organisation, votre nom et votre fonction, la ville, le pays, le site web et le commentaire apparaissent alors sur les pages de la lettre. Case non cochée, la signature est comptée mais pas affichée.
    .fields = name organization title city country comment website

## Delivered
delivered-to = Remise à { $addressee } le
delivered-read-more = En savoir plus sur la remise

# The defaults of [site] tagline and footer, shown when the operator kept them.
site-default-tagline = Des lettres ouvertes, signées publiquement
site-default-footer = Chaque signature est confirmée par e-mail avant d’être comptée. Les adresses e-mail ne sont jamais publiées.

# The share step's Copy button once the link is copied (static/share.js reads them from the page).
signer-copied = Copié
signer-link-copied = Le lien est copié.
# l10nupdates: the delivery in the letter page's updates timeline.
updates-delivered-to = Remise à { $addressee }
# l10nupdates: the sentence that opens the update sent from a delivery (its version in a translation's language).
updates-delivered-body = « { $title } » a été remise à { $addressee } le { $date }.
# The language switcher: the letter on this page is not written in this language.
language-interface-only = (lettre non traduite)
# signerloop: the signer's choices said back (check-email page, confirmation email, confirm and confirmed pages).
signerloop-yes = oui
signerloop-no = non
signerloop-choice-public = Nom affiché publiquement sur la lettre : { $answer }
signerloop-choice-updates = Nouvelles de cette lettre par e-mail : { $answer }
signerloop-choice-shared = Coordonnées partagées avec { $member } : { $answer }
signerloop-choices-heading = Vos choix
signerloop-choices-hint = Vous pouvez les modifier avant de confirmer.
signerloop-choices-change-mail = La page qu’ouvre le bouton vous permet de les modifier avant de confirmer.
# signerloop: the check-email page.
signerloop-sent-to = Nous avons envoyé un message à { $email }. Ouvrez le lien qu’il contient pour confirmer votre signature de { $title }.
signerloop-did-you-mean = Vouliez-vous dire { $email } ?
signerloop-use-suggestion = Oui, corriger mon adresse
signerloop-wrong-address = Adresse erronée ?
signerloop-change-it = La modifier
signerloop-change-choices = Modifier vos choix
signerloop-change-before = (avant de confirmer)
# signerloop: a sign form posted from another site's page.
signerloop-cross-site = Signez sur la page de la lettre
signerloop-cross-site-text = Ce formulaire a été envoyé depuis la page d’un autre site : rien n’a été signé et aucun e-mail n’a été envoyé. Pour signer, ouvrez la lettre ici et utilisez son formulaire.
signerloop-cross-site-link = Aller à la lettre pour signer
# signerloop: a confirm link of a signature withdrawn since.
signerloop-link-withdrawn = Cette signature a été retirée
signerloop-link-withdrawn-text = Ce lien appartient à une signature retirée depuis : il n’y a plus rien à confirmer. Vous pouvez signer la lettre à nouveau si vous le souhaitez.
# signerloop: the confirmed page, saying what the signer chose.
signerloop-confirmed-listed = Elle compte désormais dans le total et figure publiquement sur la lettre.
signerloop-confirmed-unlisted = Elle compte désormais dans le total. Comme vous l’avez choisi, elle n’est pas affichée publiquement.
signerloop-signed-as = Signé au nom de { $name }
signerloop-signing-for = Signé pour { $name }
# signerloop: the withdraw pages name the letter and the person.
signerloop-withdraw-intro = Votre signature de { $title } sera retirée de la liste et du total, et vos coordonnées supprimées. C’est définitif.
signerloop-withdrawn-named = { $name } n’apparaît plus sur « { $title } ».
signerloop-withdrawn-from = Votre signature de « { $title } » est retirée.
# signerloop: the letter page in a browser that signed it.
signerloop-you-signed = Vous avez signé cette lettre
signerloop-you-signed-text = Merci. Si vous n’avez pas encore confirmé, ouvrez le lien que nous vous avons envoyé : d’ici là, votre signature n’est pas comptée. Invitez maintenant d’autres personnes à signer.
signerloop-sign-another = Signer avec un autre nom ou une autre adresse
# listing: the one notion of listed (signatures::Listing) in the page's sentences.
listing-partly-listed =
    { $listed ->
        [0] { $who } (aucune affichée)
       *[other] { $who } ({ $listed } affichées ci-dessous)
    }
listing-be-first = Soyez le premier à signer
listing-org-counted-unlisted = La signature de votre organisation est désormais comptée. Comme vous l’avez choisi, elle n’est pas affichée publiquement : son nom n’apparaît pas sur les pages de la lettre.
listing-review-unlisted = L’équipe de la coalition vérifie les signatures d’organisations avant de les compter. Une fois approuvée, la signature de votre organisation comptera ; comme vous l’avez choisi, elle ne sera pas affichée publiquement.
listing-og-image-alt-first = { $title } : une lettre ouverte à { $addressee }. Soyez le premier à signer.
# staffdeliver: the print view's count of every counted signature, above the names.
staffdeliver-print-signatures =
    { $count ->
        [one] { $count } signature
       *[other] { $count } signatures
    }
# staffdeliver: after the listed organizations, the counted ones that chose not to be listed.
staffdeliver-more-organizations =
    { $count ->
        [one] et { $count } autre organisation
       *[other] et { $count } autres organisations
    }
# staffdeliver: after the listed individuals, the counted ones who chose not to be listed.
staffdeliver-more-individuals =
    { $count ->
        [one] et { $count } autre personne
       *[other] et { $count } autres personnes
    }
# staffdeliver: the console's count of addresses an update goes to.
staffdeliver-addresses =
    { $count ->
        [one] { $count } adresse
       *[other] { $count } adresses
    }

# signatories: the search form on the signatories page.
signatories-search-region = Rechercher parmi les signataires
signatories-search-label = Nom ou organisation
signatories-search-hint = Une partie du nom suffit ; les accents et les majuscules ne comptent pas.
signatories-country-label = Pays
signatories-search-button = Rechercher
signatories-search-clear = Afficher tous les signataires
signatories-search-found =
    { $count ->
        [one] { $count } signataire trouvé
       *[other] { $count } signataires trouvés
    }
signatories-search-none = Aucun signataire ne correspond à { $search }.
# The embed (a member's site frames the sign form): under the form; the answer stays in the frame.
embedupdates-hint = Nous vous envoyons un lien par e-mail pour confirmer votre signature. Votre adresse n’est jamais publiée.
# The embed's "check your email": before the address the person typed.
embedupdates-sent-to = Le lien a été envoyé à
# The embed's "check your email": a link back to the form, to sign with another address.
embedupdates-wrong-address = Ce n’est pas votre adresse ? Signez à nouveau
# myself: /my-signatures, where a person sees and withdraws what is held on them.
myself-heading = Vos signatures
myself-footer-link = Vos signatures
myself-intro = Saisissez l'adresse e-mail avec laquelle vous avez signé. Si elle a signé une lettre ici, nous lui envoyons un lien vers la liste de toutes les lettres qu'elle a signées : ce qui est public, ce que nous conservons et pourquoi, et un bouton pour retirer chaque signature ou toutes.
myself-email-hint = (celle avec laquelle vous avez signé)
myself-send-button = M'envoyer la liste
myself-cross-site-text = Ceci a été envoyé depuis la page d'un autre site : rien n'a été fait. Ouvrez cette page sur notre site pour demander votre liste.
myself-sent-heading = Consultez vos e-mails
myself-sent-text = Si l'adresse saisie a signé une lettre ici, nous lui avons envoyé un lien vers la liste de ses signatures. Le lien fonctionne pendant 24 heures.
myself-sent-nothing = Rien reçu ? Regardez dans vos indésirables. Une signature retirée ne garde rien de vous : une adresse dont toutes les signatures ont été retirées ne reçoit donc aucun e-mail.
myself-sent-again = Demander à nouveau la liste
myself-link-dead = Ce lien ne fonctionne pas
myself-link-dead-text = Il a expiré (il fonctionne 24 heures) ou n'a pas été copié en entier. Demandez-en un nouveau.
myself-list-heading = Les lettres que vous avez signées
myself-withdrawn-heading = Retirée
myself-withdrawn-from = Votre signature sur { $title } est retirée.
myself-none = Nous ne conservons rien sur cette adresse : elle n'a signé aucune lettre ici, ou toutes ses signatures ont été retirées.
myself-count =
    { $count ->
        [one] Cette adresse a signé { $count } lettre.
       *[other] Cette adresse a signé { $count } lettres.
    }
myself-list-intro = Pour chacune : où elle en est, ce que le public voit, ce que nous conservons et pourquoi.
myself-signed-on = Signée le
myself-status = État
myself-public = Public
myself-state-pending = En attente de votre confirmation par le lien envoyé par e-mail
myself-state-awaiting-approval = Confirmée ; en attente de l'approbation de l'organisation par l'équipe de la coalition
myself-state-counted = Confirmée et comptée
myself-state-rejected = Non acceptée par l'équipe de la coalition : ni comptée ni affichée
myself-state-removed = Retirée par l'équipe de la coalition : ni comptée ni affichée
myself-state-duplicate = Non ajoutée : l'organisation avait déjà signé
myself-public-listed = Votre nom et les informations marquées « public » ci-dessous figurent dans la liste des signataires de la lettre.
myself-public-counted = Comptée dans le total ; rien de vous n'est affiché, comme vous l'avez choisi.
myself-public-nothing = Rien : elle n'est ni comptée ni affichée.
myself-held-heading = Ce que nous conservons
myself-held-name = Nom
myself-held-organization = Organisation
myself-held-email = Adresse e-mail
myself-tag-public = public
myself-tag-private = non public
myself-not-held = Non conservée
myself-why-heading = Pourquoi nous conservons votre adresse
myself-address-not-held = Nous ne conservons pas votre adresse pour cette signature, seulement une empreinte chiffrée par clé qui ne permet pas de la retrouver. Elle reconnaît une deuxième signature de votre part, et a permis de trouver celle-ci pour cette liste.
myself-reason-confirm = Pour confirmer votre signature : tant que vous ne l'avez pas fait, le lien part à cette adresse.
myself-reason-updates = Vous avez demandé à être tenu informé de cette lettre.
myself-reason-member = Vous avez demandé que { $member } vous tienne informé : elle reçoit votre nom et votre adresse.
myself-reason-organization = Vous avez signé pour une organisation : la coalition garde un moyen de joindre son contact.
myself-reason-delivery = La coalition conserve les adresses des signataires de cette lettre jusqu'à sa remise.
myself-reason-kept = Plus aucune raison : elle est effacée dans l'heure.
myself-withdraw-one = Retirer cette signature
myself-withdraw-all-text = Retirer ôte votre nom des listes et des totaux des lettres et efface vos informations. C'est définitif.
myself-withdraw-all = Retirer toutes mes signatures
myself-ask-again = Demander un nouveau lien
myself-reason-delivery-until = La coalition conserve les adresses des signataires de cette lettre jusqu'au { $when }.
myself-reason-member-gone = Vous avez demandé qu'une organisation membre vous tienne informé ; elle ne fait plus partie de la coalition.
# A member contact's download page: what the file holds for each signer (the partner file's columns).
partners-file-columns = Pour chacune, le fichier donne le nom, l’organisation, la fonction, la ville, le pays, l’adresse e-mail, la langue et le jour de la signature.
# privacy: the notice at /privacy, written from the configuration (src/http/privacy.rs), and
# the line by every sign button.
privacy-lede = Cette notice est rédigée à partir des réglages mêmes de ce site : elle dit ce que le site fait réellement des informations que vous lui confiez.
privacy-list-separator = ,{" "}
privacy-field-title = titre ou fonction
privacy-field-city = ville
privacy-field-country = pays
privacy-field-comment = commentaire
privacy-field-website = site web (pour une organisation)
privacy-who-heading = Qui en est responsable
privacy-who = { $site } gère ce site et les lettres ouvertes qu’il publie, et répond des informations que vous y donnez.
privacy-contact = Pour savoir ce que nous conservons sur vous, ou pour le faire corriger ou effacer, écrivez à { $contact }.
privacy-no-contact = { $site } ne donne pas ici d’adresse e-mail pour les questions : les liens des e-mails que nous vous envoyons retirent votre signature et arrêtent nos e-mails.
privacy-kept-heading = Ce que nous conservons quand vous signez
privacy-kept-details = Votre nom et votre adresse e-mail, l’organisation au nom de laquelle vous signez le cas échéant, et ce que vous remplissez d’autre : { $fields }.
privacy-kept-choices = Vos choix : afficher ou non votre nom publiquement, recevoir ou non des nouvelles de la lettre, autoriser ou non une organisation membre à vous tenir informé·e.
privacy-kept-record = Le texte de la lettre que vous avez lu et sa langue, le moment où vous avez signé et celui où vous avez confirmé.
privacy-kept-no-network = Nous ne conservons pas votre adresse réseau (IP) avec votre signature.
privacy-address-heading = Votre adresse e-mail
privacy-address-confirm = Elle sert d’abord à vous envoyer le lien qui confirme votre signature.
privacy-address-reasons = Une fois votre signature confirmée, nous ne la gardons que tant qu’une raison est enregistrée :
privacy-reason-updates = vous avez demandé à être tenu·e informé·e de la lettre ;
privacy-reason-member = vous avez autorisé une organisation membre à vous tenir informé·e ;
privacy-reason-organization = vous avez signé au nom d’une organisation, comme son contact ;
privacy-reason-delivery = la lettre garde les adresses de ses signataires jusqu’à sa remise.
privacy-address-fingerprint = Sinon, nous la remplaçons par une empreinte à clé. Cette empreinte nous permet de reconnaître la même adresse si elle signe à nouveau et garde votre lien de retrait valable, mais elle ne permet pas de retrouver votre adresse, et sans une clé secrète conservée hors de la base de données, on ne peut même pas la comparer à une adresse devinée.
privacy-delivery-letters = Ces lettres gardent les adresses de leurs signataires jusqu’à leur remise : { $letters }.
privacy-delivery-none = Pour l’instant, aucune lettre de ce site ne garde les adresses de ses signataires jusqu’à sa remise.
privacy-public-heading = Ce qui est public
privacy-public = Seulement si vous cochez « { $box } » : votre nom, votre organisation, { $fields } et le moment où vous avez signé apparaissent alors sur les pages de la lettre et dans sa liste de signataires, ainsi que dans les données que le site publie sur la lettre. Sans cette case, votre signature est comptée mais pas affichée. Votre adresse e-mail n’est jamais publiée.
privacy-sees-heading = Qui d’autre voit vos informations
privacy-sees-staff = L’équipe de { $site }, dans sa console : chaque signature et les informations que nous conservons, pour vérifier, compter et remettre les signatures.
privacy-sees-addressee = Le ou la destinataire de la lettre, quand { $site } lui remet la liste des signataires.
privacy-sees-member = Une organisation membre que vous avez autorisée à vous tenir informé·e : votre nom, organisation, titre, ville, pays, adresse e-mail, langue et la date de votre signature, et rien d’autre.
privacy-sees-mail = Le service de messagerie qui achemine nos e-mails jusqu’à vous.
privacy-how-long-heading = Combien de temps nous le conservons
privacy-long-unconfirmed = Une signature non confirmée est supprimée { $days ->
        [one] au bout de { $days } jour
       *[other] au bout de { $days } jours
    } (son lien de confirmation est valable { $hours ->
        [one] { $hours } heure
       *[other] { $hours } heures
    }).
privacy-long-confirmed = Une signature confirmée (votre nom et ce que vous avez rempli) est conservée avec la lettre, comme trace de ses signataires, jusqu’à ce que vous la retiriez.
privacy-long-updates = Une adresse gardée pour les nouvelles l’est jusqu’à ce que vous vous désabonniez (le lien de chaque nouvelle) ou retiriez votre signature ; une adresse gardée pour une organisation membre ou comme contact d’une organisation, jusqu’à ce que vous retiriez votre signature.
privacy-long-delivery = Une adresse gardée seulement parce que la lettre garde les adresses jusqu’à sa remise est effacée { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    } après la clôture ou la remise de la lettre.
privacy-long-mail = La copie de chaque e-mail que nous vous envoyons est supprimée { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    } après son envoi, et vidée de votre adresse dès que nous cessons de garder l’adresse.
privacy-long-logs = Le journal des requêtes du serveur enregistre l’adresse réseau d’où chaque page a été demandée ; { $site } décide combien de temps ses journaux sont conservés.
privacy-withdraw-heading = Retirer sa signature, arrêter les e-mails
privacy-withdraw = L’e-mail de confirmation contient un lien qui retire votre signature et efface vos informations immédiatement ; il est valable { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    }. Chaque e-mail au sujet d’une lettre contient un lien pour ne plus les recevoir.
privacy-own-heading = De la part de { $site }
privacy-own-link = { $site } a aussi sa propre notice de confidentialité : { $link }
privacy-gist = Une fois votre signature confirmée, { $site } ne garde votre adresse e-mail que si vous demandez des nouvelles, autorisez un membre à vous tenir informé·e ou signez pour une organisation.
privacy-gist-until-delivery = Pour cette lettre, { $site } garde votre adresse e-mail jusqu’à la remise de la lettre et l’efface { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    } après sa clôture ou sa remise (plus longtemps seulement si vous demandez des nouvelles, autorisez un membre à vous tenir informé·e ou signez pour une organisation).
privacy-gist-organization = { $site } garde votre adresse e-mail comme contact de l’organisation tant que sa signature est maintenue, et ne la publie jamais.
privacy-gist-link = Ce que nous conservons, combien de temps, et qui le voit
privacy-delivery-erased-on = { $letter } (les adresses de ses signataires sont effacées le { $date })
myself-privacy-see-all = Pour voir toutes les lettres que votre adresse a signées, ce que nous conservons et pourquoi, et retirer n'importe laquelle, demandez-le sur { $page } : nous envoyons la liste à cette adresse.
