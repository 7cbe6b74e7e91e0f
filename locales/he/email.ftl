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
