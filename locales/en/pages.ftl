# The public pages' words. `$count` messages choose their form by the number's plural
# category; numbers are formatted for the language by the service.

language-name = English
languages-label = Language
skip-to-content = Skip to content
privacy-notice = Privacy notice
feed-title = open letters
error-prefix = Error:{" "}

## Letter page
letter-to = To { $addressee }
open-letter-to = An open letter to { $addressee }
og-image-alt = { $title }: an open letter to { $addressee }, { $signatures }
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
        [one] Add your name: { $count } signature so far
       *[other] Add your name: { $count } signatures so far
    }
updates-heading = Updates
no-signatures-yet = No signatures yet
signed-by = Signed by { $who }
signed-by-both = Signed by { $organizations } and { $individuals }
organizations-count =
    { $count ->
        [one] { $count } organization
       *[other] { $count } organizations
    }
individuals-count =
    { $count ->
        [one] { $count } individual
       *[other] { $count } individuals
    }
organizations-heading = Organizations
individuals-heading = Individuals
recent-signatures = Recent signatures
see-everyone = See everyone who signed
partners-heading = Brought by our partners
text-versions = Text versions
versions-note = signatures record the version their signer saw.
progress-label = Progress toward the goal
goal = Goal: { $goal }
to-go =
    { $count ->
        [one] { $count } to go
       *[other] { $count } to go
    }
goal-reached = goal reached
add-your-name = Add your name
open-until-before = Open until{" "}
open-until-after = .
sign-button = Sign the letter
sign-hint = We email you a link to confirm. Your email address is never published.
status-open = open
status-closed = closed
status-draft = draft
status-delivered = delivered
not-open-yet = This letter is not open for signatures yet.
closed-notice = This letter has closed and no longer takes signatures.

## Signatories
signatories = Signatories
sign-this-letter = Sign this letter
names-listed =
    { $count ->
        [one] { $count } name listed
       *[other] { $count } names listed
    }
page-of = page { $page } of { $pages }
no-names-yet = No names are listed yet.
pages-label = Pages
previous-page = Previous page
next-page = Next page

## Index
open-letters = Open letters
no-letter-yet = No letter is published yet.

## After signing
check-email = Check your email
check-email-sent = We have sent a message to the address you entered. Open the link in it to confirm your signature on
check-email-until = Until you confirm, your signature is not counted and your name is not shown. If nothing arrives within a few minutes, look in your spam folder, or
get-new-link = get a new link
sentence-end = .
back-to-letter = Back to the letter
go-to-letter = Go to the letter
see-open-letters = See the open letters
signature-confirmed = Signature confirmed

## Resend
resend-heading = Get a new confirmation link
resend-intro = Enter the address you signed { $title } with. If a signature waits for confirmation, we send a new link and the old one stops working.
email-label = Email
send-new-link = Send a new link

## Share
share-heading = Ask others to sign
share-intro = A letter carries more weight with every name. Send it to people who would sign it too.
share-link-label = Link to the letter
copy-link = Copy link
share-button = Share…
share-email = Email

## Embed
embed-title = Sign: { $title }
embed-hint = We email you a link to confirm; the next page opens on { $site }'s site. Your email address is never published.
read-the-letter = Read the letter

## Versions
version-title = Version { $hash }
current-text = The current text
earlier-text = An earlier text
recorded = recorded
version-word = version
changed-since = The letter has changed since.
read-current = Read the current letter.
all-versions = All versions
versions-intro = Each signature records the version of the text its signer read. Newest first.
no-versions = No versions are recorded.
current = current

## Unsubscribe
unsubscribe-heading = Unsubscribe from updates
unsubscribe-intro = No more updates about “{ $title }” will be sent to your address. Your signature stays on the letter.
unsubscribe-button = Unsubscribe
unsubscribed-heading = You are unsubscribed
unsubscribed-text = No more updates about “{ $title }” will be sent to you. Your signature stays on the letter.

## Partner download
supporters-title = Your supporters
supporters-of = Supporters of { $organization }
supporters-text =
    { $count ->
        [one] { $count } person signed “{ $title }” through your link and asked that { $organization } keep them informed. Only they are in the file.
       *[other] { $count } people signed “{ $title }” through your link and asked that { $organization } keep them informed. Only they are in the file.
    }
download-csv = Download CSV
download-json = Download JSON
link-works-until = This personal link works until { $when }. Please do not forward it.

## Outcome pages
form-unreadable = This form could not be read
form-unreadable-text = Send it from the letter's page.
link-broken = This link does not work
link-broken-text = It may have been cut off or mistyped. Copy the whole address from the email into your browser.
link-expired = This link has expired
link-expired-text = Links in our emails work for a limited time.
link-used = This link has already been used
link-used-text = Each link works once; a newer email may have replaced it.
again-verify = To get a new link, follow the link below or sign the letter again with the same email address.
again-withdraw = Every confirmation email carries its own withdraw link; to get a new one, sign again with the same email address.
again-invite = Ask the coalition's staff to send a new invite link.
letter-closed = This letter has closed
letter-closed-text = The letter stopped taking signatures, and the time to confirm one made before it closed has passed.
thanks-anyway = Thank you for your support all the same.
confirm-heading = Confirm your signature
confirm-intro = Press the button to confirm your signature on “{ $title }”.
confirm-button = Confirm my signature
already-confirmed = Your signature is already confirmed
already-confirmed-text = There is nothing more to do. Thank you for signing.
org-already-signed = Your organization has already signed
org-already-signed-text = Thank you for confirming. Another confirmed sign-on for this organization is already on the letter, so it was not added a second time.
org-already-signed-mail = We have sent you an email about it; the coalition's staff can see both sign-ons.
confirmed-thanks = Thank you. Your signature is confirmed.
confirmed-review = The coalition's staff review organization sign-ons; your organization will be listed once they approve it.
confirmed-counts = It now counts toward the total, and if you chose to be listed, your name appears on the letter.
withdraw-heading = Withdraw your signature
withdraw-intro = Your name will be removed from the list and the count, and your details deleted. This cannot be undone.
withdraw-button = Withdraw my signature
withdrawn-already = Your signature was already withdrawn
withdrawn = Your signature is withdrawn
withdrawn-text = Your name no longer appears on the letter or in its count, and your details have been deleted.

## Errors
not-found = Page not found
not-found-text = There is no page at this address. The letter may have moved, or the address was mistyped.
bad-request = That did not work
too-many = Too many requests
too-many-text = Too many requests came from your address in a short time. Wait a minute and try again.
not-accepted = Not accepted
server-error = Something went wrong on our side
server-error-text = Nothing was changed. Please try again in a moment.
# A read turned away in the last moment before this instance stops (a balancer sends it to another).
restarting = This server is restarting
restarting-text = Please reload this page in a few seconds.
unavailable = Sorry, we cannot answer right now
unavailable-text = Our database is not answering, so nothing was changed. Please try again in a few seconds.
page-number-invalid = The page number in the address is not a number.
blocked-network = Signatures from your network are not accepted. If you think this is a mistake, contact the coalition.

## Invites and unsubscribing
invite-already-signed-text = This organization's signature is already on the letter or waiting for review; nothing was changed.
org-now-listed = Your organization is now listed on the letter.
thank-you-for-signing = Thank you for signing
send-one-click = Send List-Unsubscribe=One-Click to unsubscribe.
sign-for = Sign for { $organization }
invite-sent-to = This invite link was sent to { $email }; no further confirmation is needed.
list-org-publicly = List { $organization } publicly among the signatories
list-org-publicly-hint = The organization's name, your name and title, city, country, website and comment then appear on the letter's pages. Unticked, the signature is counted but not listed.
    .fields = name organization title city country comment website

## Delivered
delivered-to = Delivered to { $addressee } on
delivered-read-more = Read more about the delivery

# The defaults of [site] tagline and footer, shown when the operator kept them.
site-default-tagline = Open letters, signed in public
site-default-footer = Every signature is confirmed by email before it counts. Email addresses are never published.

# The share step's Copy button once the link is copied (static/share.js reads them from the page).
signer-copied = Copied
signer-link-copied = The link is copied.
# l10nupdates: the delivery in the letter page's updates timeline.
updates-delivered-to = Delivered to { $addressee }
# l10nupdates: the sentence that opens the update sent from a delivery (its version in a translation's language).
updates-delivered-body = “{ $title }” was delivered to { $addressee } on { $date }.
# The language switcher: the letter on this page is not written in this language.
language-interface-only = (letter not translated)
# signerloop: the signer's choices said back (check-email page, confirmation email, confirm and confirmed pages).
signerloop-yes = yes
signerloop-no = no
signerloop-choice-public = Listed publicly on the letter: { $answer }
signerloop-choice-updates = Updates about this letter by email: { $answer }
signerloop-choice-shared = Your details shared with { $member }: { $answer }
signerloop-choices-heading = Your choices
signerloop-choices-hint = You can change them before you confirm.
signerloop-choices-change-mail = The page the button opens lets you change them before you confirm.
# signerloop: the check-email page.
signerloop-sent-to = We have sent a message to { $email }. Open the link in it to confirm your signature on { $title }.
signerloop-did-you-mean = Did you mean { $email }?
signerloop-use-suggestion = Yes, correct my address
signerloop-wrong-address = Wrong address?
signerloop-change-it = Change it
signerloop-change-choices = Change your choices
signerloop-change-before = (before you confirm)
# signerloop: a sign form posted from another site's page.
signerloop-cross-site = Sign on the letter's own page
signerloop-cross-site-text = This form was sent from another site's page, so nothing was signed and no email was sent. To sign, open the letter here and use its form.
signerloop-cross-site-link = Go to the letter and sign
# signerloop: a confirm link of a signature withdrawn since.
signerloop-link-withdrawn = This signature was withdrawn
signerloop-link-withdrawn-text = This link belongs to a signature that was withdrawn since, so there is nothing left to confirm. You can sign the letter again if you wish.
# signerloop: the confirmed page, saying what the signer chose.
signerloop-confirmed-listed = It now counts toward the total and is listed publicly on the letter.
signerloop-confirmed-unlisted = It now counts toward the total. As you chose, it is not listed publicly.
signerloop-signed-as = Signed as { $name }
signerloop-signing-for = Signed for { $name }
# signerloop: the withdraw pages name the letter and the person.
signerloop-withdraw-intro = Your signature on { $title } will be removed from the list and the count, and your details deleted. This cannot be undone.
signerloop-withdrawn-named = { $name } no longer appears on “{ $title }”.
signerloop-withdrawn-from = Your signature on “{ $title }” is withdrawn.
# signerloop: the letter page in a browser that signed it.
signerloop-you-signed = You signed this letter
signerloop-you-signed-text = Thank you. If you have not confirmed yet, open the link we emailed you: until then your signature is not counted. Now ask others to add their names.
signerloop-sign-another = Sign with another name or address
# listing: the one notion of listed (signatures::Listing) in the page's sentences.
listing-partly-listed =
    { $listed ->
        [0] { $who } (none listed)
       *[other] { $who } ({ $listed } listed below)
    }
listing-be-first = Be the first to sign
listing-org-counted-unlisted = Your organization's signature is now counted. As you chose, it is not listed publicly: its name does not appear on the letter's pages.
listing-review-unlisted = The coalition's staff review organization sign-ons before they count. Once they approve it, your organization's signature counts; as you chose, it will not be listed publicly.
listing-og-image-alt-first = { $title }: an open letter to { $addressee }. Be the first to sign.
# staffdeliver: the print view's count of every counted signature, above the names.
staffdeliver-print-signatures =
    { $count ->
        [one] { $count } signature
       *[other] { $count } signatures
    }
# staffdeliver: after the listed organizations, the counted ones that chose not to be listed.
staffdeliver-more-organizations =
    { $count ->
        [one] and { $count } more organization
       *[other] and { $count } more organizations
    }
# staffdeliver: after the listed individuals, the counted ones who chose not to be listed.
staffdeliver-more-individuals =
    { $count ->
        [one] and { $count } more person
       *[other] and { $count } more people
    }
# staffdeliver: the console's count of addresses an update goes to.
staffdeliver-addresses =
    { $count ->
        [one] { $count } address
       *[other] { $count } addresses
    }

# signatories: the search form on the signatories page.
signatories-search-region = Search the signatories
signatories-search-label = Name or organization
signatories-search-hint = Part of a name is enough; accents and capitals do not matter.
signatories-country-label = Country
signatories-search-button = Search
signatories-search-clear = Show all signatories
signatories-search-found =
    { $count ->
        [one] { $count } signatory found
       *[other] { $count } signatories found
    }
signatories-search-none = No signatories match { $search }.
# The embed (a member's site frames the sign form): under the form; the answer stays in the frame.
embedupdates-hint = We email you a link to confirm your signature. Your email address is never published.
# The embed's "check your email": before the address the person typed.
embedupdates-sent-to = The link went to
# The embed's "check your email": a link back to the form, to sign with another address.
embedupdates-wrong-address = Not your address? Sign again
# myself: /my-signatures, where a person sees and withdraws what is held on them.
myself-heading = Your signatures
myself-footer-link = Your signatures
myself-intro = Enter the email address you signed with. If it signed any letter here, we email it a link to a list of every letter it signed: what is public, what we hold and why, and a button to withdraw each signature or all of them.
myself-email-hint = (the one you signed with)
myself-send-button = Email me the list
myself-cross-site-text = This was sent from another site's page, so nothing was done. Open this page on our own site to ask for your list.
myself-sent-heading = Check your email
myself-sent-text = If the address you entered signed a letter here, we have sent it a link to the list of its signatures. The link works for 24 hours.
myself-sent-nothing = Nothing arrived? Look in your spam folder. A withdrawn signature keeps nothing about you, so an address whose signatures were all withdrawn gets no email.
myself-sent-again = Ask for the list again
myself-link-dead = This link does not work
myself-link-dead-text = It has expired (it works for 24 hours) or was not copied whole. Ask for a new one.
myself-list-heading = The letters you signed
myself-withdrawn-heading = Withdrawn
myself-withdrawn-from = Your signature on { $title } is withdrawn.
myself-none = We hold nothing on this address: it has no signature on any letter here, or they were all withdrawn.
myself-count =
    { $count ->
        [one] This address signed { $count } letter.
       *[other] This address signed { $count } letters.
    }
myself-list-intro = For each one: where it stands, what the public sees, what we hold and why.
myself-signed-on = Signed on
myself-status = Status
myself-public = Public
myself-state-pending = Waiting for you to confirm it with the link we emailed you
myself-state-awaiting-approval = Confirmed; waiting for the coalition's staff to approve the organization
myself-state-counted = Confirmed and counted
myself-state-rejected = Not accepted by the coalition's staff: not counted or shown
myself-state-removed = Taken down by the coalition's staff: not counted or shown
myself-state-duplicate = Not added: the organization had already signed
myself-public-listed = Your name and the details marked “public” below are on the letter's list of signatories.
myself-public-counted = Counted in the total; nothing about you is shown, as you chose.
myself-public-nothing = Nothing: it is not counted or shown.
myself-held-heading = What we hold
myself-held-name = Name
myself-held-organization = Organization
myself-held-email = Email address
myself-tag-public = public
myself-tag-private = not public
myself-not-held = Not held
myself-why-heading = Why we hold your address
myself-address-not-held = We do not hold your address for this signature, only a keyed fingerprint of it that cannot be turned back into the address. It recognises a second signature from you, and it found this one for this list.
myself-reason-confirm = To confirm your signature: until you do, the address is where the link goes.
myself-reason-updates = You asked to be kept updated about this letter.
myself-reason-member = You asked that { $member } keep you informed: it receives your name and address.
myself-reason-organization = You signed for an organization: the coalition keeps a way to reach its contact.
myself-reason-delivery = The coalition keeps signers' addresses for this letter until it is delivered.
myself-reason-kept = No reason is left: it is erased within the hour.
myself-withdraw-one = Withdraw this signature
myself-withdraw-all-text = Withdrawing takes your name off the letters' lists and counts and deletes your details. It cannot be undone.
myself-withdraw-all = Withdraw all my signatures
myself-ask-again = Ask for a new link
myself-reason-delivery-until = The coalition keeps signers' addresses for this letter until { $when }.
myself-reason-member-gone = You asked that a member organization keep you informed; it is no longer on the coalition's roster.
# A member contact's download page: what the file holds for each signer (the partner file's columns).
partners-file-columns = For each of them, the file gives the name, organization, title, city, country, email address, language and the day they signed.
# privacy: the notice at /privacy, written from the configuration (src/http/privacy.rs), and
# the line by every sign button.
privacy-lede = This notice is written from this site’s own settings, so it says what the site actually does with the details you give it.
privacy-list-separator = ,{" "}
privacy-field-title = title or role
privacy-field-city = city
privacy-field-country = country
privacy-field-comment = comment
privacy-field-website = website (for an organization)
privacy-who-heading = Who is responsible
privacy-who = { $site } runs this site and the open letters on it, and is responsible for the details you give here.
privacy-contact = To ask what we hold on you, or to have it corrected or erased, write to { $contact }.
privacy-no-contact = { $site } gives no email address for questions here: the links in the emails we send you withdraw your signature and stop our emails.
privacy-kept-heading = What we keep when you sign
privacy-kept-details = Your name and email address, the organization you sign for if you do, and what else you fill in: { $fields }.
privacy-kept-choices = Your choices: whether your name is listed publicly, whether you want updates about the letter, and whether a member organization may keep you informed.
privacy-kept-record = The text of the letter you read and its language, when you signed and when you confirmed.
privacy-kept-no-network = We do not keep your network (IP) address with your signature.
privacy-address-heading = Your email address
privacy-address-confirm = We use it first to send you the link that confirms your signature.
privacy-address-reasons = Once you have confirmed, we keep it only while there is a reason on record:
privacy-reason-updates = you asked to be kept updated about the letter;
privacy-reason-member = you let a member organization keep you informed;
privacy-reason-organization = you signed for an organization, as its contact;
privacy-reason-delivery = the letter keeps its signers’ addresses until it is delivered.
privacy-address-fingerprint = Otherwise we replace it with a keyed fingerprint. The fingerprint tells us when the same address signs again and keeps your withdraw link working, but it cannot be turned back into your address, and without a secret key kept apart from the database it cannot even be checked against a guess.
privacy-delivery-letters = These letters keep their signers’ addresses until they are delivered: { $letters }.
privacy-delivery-none = At present no letter on this site keeps its signers’ addresses until delivery.
privacy-public-heading = What is public
privacy-public = Only if you tick “{ $box }”: then your name, organization, { $fields } and when you signed appear on the letter’s pages and its list of signatories, and in the data the site publishes about the letter. Unticked, your signature is counted but not listed. Your email address is never published.
privacy-sees-heading = Who else sees your details
privacy-sees-staff = { $site }’s staff, in its console: every signature and the details we hold, to check, count and deliver the signatures.
privacy-sees-addressee = The letter’s addressee, when { $site } delivers the list of signatories.
privacy-sees-member = A member organization you let keep you informed: your name, organization, title, city, country, email address, language and the date you signed, and nothing else.
privacy-sees-mail = The email service that carries our emails to you.
privacy-how-long-heading = How long we keep it
privacy-long-unconfirmed = A signature that is not confirmed is deleted { $days ->
        [one] after { $days } day
       *[other] after { $days } days
    } (its confirmation link works for { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }).
privacy-long-confirmed = A confirmed signature (your name and what you filled in) is kept with the letter, as the record of who signed it, until you withdraw it.
privacy-long-updates = An address kept for updates is kept until you unsubscribe (the link in each update) or withdraw; one kept for a member organization or as an organization’s contact, until you withdraw.
privacy-long-delivery = An address kept only because the letter keeps addresses until delivery is erased { $days ->
        [one] { $days } day
       *[other] { $days } days
    } after the letter closes or is delivered.
privacy-long-mail = A copy of each email we send you is deleted { $days ->
        [one] { $days } day
       *[other] { $days } days
    } after it is sent, and emptied of your address as soon as we stop keeping the address.
privacy-long-logs = The server’s request log records the network address each page was asked from; { $site } decides how long its logs are kept.
privacy-withdraw-heading = Withdrawing and stopping emails
privacy-withdraw = The confirmation email carries a link that withdraws your signature and erases your details at once; it works for { $days ->
        [one] { $days } day
       *[other] { $days } days
    }. Every email about a letter carries a link that stops them.
privacy-own-heading = From { $site }
privacy-own-link = { $site } has its own privacy notice too: { $link }
privacy-gist = Once you confirm, { $site } keeps your email address only if you ask for updates, let a member keep you informed, or sign for an organization.
privacy-gist-until-delivery = For this letter { $site } keeps your email address until the letter is delivered, and erases it { $days ->
        [one] { $days } day
       *[other] { $days } days
    } after the letter closes or is delivered (longer only if you ask for updates, let a member keep you informed, or sign for an organization).
privacy-gist-organization = { $site } keeps your email address as the organization’s contact while its signature stands, and never publishes it.
privacy-gist-link = What we keep, for how long, and who sees it
privacy-delivery-erased-on = { $letter } (its signers’ addresses are erased on { $date })
myself-privacy-see-all = To see every letter your address signed, what we hold on it and why, and to withdraw any of them, ask at { $page }: we email the list to that address.
