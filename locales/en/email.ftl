# Emails to signers. Names and titles are given as values.

confirm-subject = Please confirm your signature: { $title }
confirm-mail-title = Confirm your signature
mail-hello = Hello { $name },
confirm-thanks = Thank you for signing { $title }, the open letter to { $addressee }.
confirm-thanks-organization = Thank you for signing { $title }, the open letter to { $addressee }, on behalf of { $organization }.
confirm-open-link = Please confirm your signature by opening this link:
confirm-copy = Or copy this address into your browser:
confirm-until = Until you confirm, your signature is not counted and your name is not shown. The link works until { $when }.
confirm-ignore = If you did not sign this letter, ignore this message: nothing will be published.
confirm-changed-mind = Changed your mind later?
confirm-withdraw-link = Withdraw your signature
confirm-withdraw-rest = and delete your details.
confirm-withdraw-text = Changed your mind later? This link withdraws your signature and deletes your details:

## Other emails to signers
open-this-link = open this link
mail-the-letter = The letter:
already-subject = You have already signed: { $title }
already-title = You have already signed
already-text = Someone, probably you, just tried to sign { $title } with this email address. Your signature is already confirmed and counted, so there is nothing more to do.
already-withdraw = If you want to withdraw your signature and delete your details,
already-withdraw-text = If you want to withdraw your signature and delete your details, open:
update-title = An update on { $title }
update-intro = An update on { $title }, the open letter to { $addressee }
update-why = You get this because you signed the letter and asked to be kept updated.
update-unsubscribe-link = Unsubscribe from updates about this letter
update-unsubscribe-text = To get no more updates about this letter, open:
org-withdraw = To withdraw { $organization }'s signature,
org-withdraw-text = To withdraw { $organization }'s signature, open:
listed-subject = { $organization } is listed on “{ $title }”
listed-title = Your organization is listed
listed-text = { $organization } is now listed among the signatories of { $title }, the open letter to { $addressee }. Thank you.
listed-share = Please help the letter travel: share it with your members, supporters and followers, and ask them to add their names. Every signature counts. The link to share:
review-subject = Thank you: { $organization }'s signature on “{ $title }”
review-text = Thank you for signing { $title } on behalf of { $organization }. The coalition's staff review organization sign-ons before they are listed; you will hear from us when { $plain-organization } appears on the letter.
rejected-subject = About { $organization }'s signature on “{ $title }”
rejected-title = About your signature
rejected-text = Thank you for your interest in { $title }. The coalition's staff have reviewed the sign-on for { $organization } and are not able to list it on this letter.
rejected-not-judgement = This is not a judgement of your work. If you think this is a mistake, reply to this message and the staff will look at it again.
rejected-private = Your details will not be published.
duplicate-subject = { $organization } has already signed: { $title }
duplicate-text = Thank you for confirming the sign-on for { $organization } to { $title }. Another confirmed sign-on for { $organization } is already on this letter, so this one was not added a second time.
duplicate-reply = If that earlier sign-on was not made by your organization, reply to this message: the coalition's staff can see both sign-ons and will sort it out.

invites-subject = Invitation for { $organization } to sign “{ $title }”
invites-reminder-subject = Reminder: will { $organization } sign “{ $title }”?
invites-mail-title = Invitation to sign
invites-hello = Hello,
invites-invited = { $organization } is invited to sign { $title }, the coalition's open letter to { $addressee }.
invites-reminder = A reminder: { $organization } is invited to sign { $title }, the coalition's open letter to { $addressee }.
invites-button = Read and sign for { $organization }
invites-copy = Or copy this address into your browser:
invites-open-link = To read the letter and sign on behalf of { $organization }, open this personal link:
invites-until = The link works once, for this letter only, until { $when }. Because it reached this address, no further confirmation is needed.
invites-ignore = If { $organization } does not wish to sign, ignore this message.
# listing: an organization counted but, as its signer chose, not listed publicly.
listing-counted-subject = { $organization }'s signature on “{ $title }” is counted
listing-counted-title = Your organization's signature is counted
listing-counted-text = { $organization }'s signature on { $title }, the open letter to { $addressee }, is now counted in its total. As you chose when signing, { $plain-organization } is not listed publicly: its name does not appear on the letter's pages. Thank you.
listing-review-unlisted-text = Thank you for signing { $title } on behalf of { $organization }. The coalition's staff review organization sign-ons before they count; you will hear from us when they have. As you chose when signing, { $plain-organization } will be counted but not listed publicly.
reminder-subject = Reminder: please confirm your signature: { $title }
reminder-intro = You signed { $title }, the open letter to { $addressee }, but have not confirmed your signature yet.
reminder-intro-organization = You signed { $title }, the open letter to { $addressee }, on behalf of { $organization }, but have not confirmed your signature yet.
reminder-once = This is the only reminder we send. The link in our first email works too.
# myself: the email with the link to /my-signatures.
myself-mail-subject = The letters you signed
myself-mail-hello = Hello,
myself-mail-intro = Someone, probably you, asked which letters this address signed. This link lists every one, with what is public, what we hold and why, and lets you withdraw any of them:
myself-mail-button = See your signatures
myself-mail-until = The link works until { $when }. Do not forward it: whoever has it can withdraw your signatures.
myself-mail-ignore = If you did not ask, you can ignore this message: nothing changes.
