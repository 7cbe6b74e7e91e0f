# The sign form, its error summary and the messages about fields.

i-sign = I sign
as-person = as a person
for-organization = for an organization
your-name = Your name
name-hint-unknown = (for an organization: the person signing for it)
name-of-signer = Name of the person signing
email-hint = (to confirm; never shown)
organization-label = Organization
organization-hint-unknown = (required when signing for one; otherwise your affiliation, optional)
organization-hint-person = (your affiliation, optional)
title-label = Title or role
optional = (optional)
city-label = City
country-label = Country
website-label = Website
website-hint-unknown = (organizations only, optional)
comment-label = Comment
list-publicly = List my name publicly
list-publicly-hint = Your name, organization, title, city, country and comment then appear on the letter's page and the list of signatories. Unticked, your signature is counted but not listed.
    .fields = name organization title city country comment
keep-updated = Keep me updated about this letter
partner-informed = Let { $partner } keep me informed
honeypot-label = Leave this field empty
problem-heading = There is a problem
correct-fields = Please correct the fields marked below.
press-again = Please check your details and press Sign again.
slow-down = Many people have just signed from your network. Please wait a minute, then press Sign again: your details are kept below.
check-address = Please check the address and press the button again.

## Field errors, worded as the form's validation words them in English
error-choose-kind = Choose whether you sign as a person or an organization.
error-organizations-only = This letter is signed by organizations only.
error-individuals-only = This letter is signed by individuals only.
error-enter-name = Enter your name.
error-enter-organization = Enter the organization's name.
error-enter-email = Enter your email address.
error-email-too-long = This email address is too long.
error-email-invalid = Enter an email address like name@example.org.
error-blocked-domain = Signatures from this email domain are not accepted. Please use another address.
error-empty = This cannot be empty.
error-too-long =
    { $count ->
        [one] Use at most { $count } character.
       *[other] Use at most { $count } characters.
    }
error-line-break = Keep this on one line.
error-separator = Use ordinary line breaks, not Unicode line or paragraph separators.
error-control = This contains characters that are not allowed: control characters such as NUL or escape.
error-direction = This contains characters that are not allowed: invisible characters that change the direction of the text.
error-invisible = This contains characters that are not allowed: invisible formatting characters such as zero-width spaces.
error-unsupported = This contains characters that are not allowed: private-use or unassigned characters, which show as boxes or not at all.
error-marks = Too many accents are stacked on one letter.
error-no-letter = Use at least one letter or digit.
error-web-address = Enter a web address such as https://example.org.
# listing: the sign form's words for an organization.
listing-org-name = Organization's name
listing-list-your-org = List your organization publicly among the signatories
listing-add-organization = Add our organization
listing-review-up-front = The coalition's staff review organizations before they count and appear on the letter.
