language-name = עברית
languages-label = שפה
skip-to-content = דילוג לתוכן
privacy-notice = מדיניות פרטיות
feed-title = מכתבים פתוחים
error-prefix = שגיאה:{" "}
letter-to = אל { $addressee }
open-letter-to = מכתב פתוח אל { $addressee }
og-image-alt = { $title }: מכתב פתוח אל { $addressee }, { $signatures }
signatures =
    { $count ->
        [one] חתימה אחת
        [two] { $count } חתימות
       *[other] { $count } חתימות
    }
signatures-word =
    { $count ->
        [one] חתימה
       *[other] חתימות
    }
add-your-name-so-far =
    { $count ->
        [one] הוסיפו את שמכם: חתימה אחת עד כה
       *[other] הוסיפו את שמכם: { $count } חתימות עד כה
    }
updates-heading = עדכונים
no-signatures-yet = עדיין אין חתימות
signed-by = חתומים: { $who }
signed-by-both = חתומים: { $organizations } ו{ $individuals }
organizations-count =
    { $count ->
        [one] ארגון אחד
       *[other] { $count } ארגונים
    }
individuals-count =
    { $count ->
        [one] אדם אחד
       *[other] { $count } אנשים
    }
organizations-heading = ארגונים
individuals-heading = אנשים
recent-signatures = חתימות אחרונות
see-everyone = לכל החותמים
partners-heading = הובאו על ידי השותפים שלנו
text-versions = גרסאות הנוסח
versions-note = כל חתימה שומרת את הגרסה שהחותם ראה.
progress-label = התקדמות לעבר היעד
goal = יעד: { $goal }
to-go =
    { $count ->
        [one] נותרה חתימה אחת
       *[other] נותרו { $count }
    }
goal-reached = היעד הושג
add-your-name = הוסיפו את שמכם
open-until-before = פתוח לחתימה עד{" "}
open-until-after = .
sign-button = חתימה על המכתב
sign-hint = נשלח אליכם קישור באימייל לאישור. כתובת האימייל שלכם לעולם לא תפורסם.
status-open = פתוח
status-closed = סגור
status-draft = טיוטה
status-delivered = נמסר
not-open-yet = המכתב עדיין לא פתוח לחתימות.
closed-notice = המכתב נסגר ואינו מקבל עוד חתימות.
signatories = החותמים
sign-this-letter = לחתימה על המכתב
names-listed =
    { $count ->
        [one] שם אחד מופיע
       *[other] { $count } שמות מופיעים
    }
page-of = עמוד { $page } מתוך { $pages }
no-names-yet = עדיין לא מופיעים שמות.
pages-label = עמודים
previous-page = העמוד הקודם
next-page = העמוד הבא
open-letters = מכתבים פתוחים
no-letter-yet = עדיין לא פורסם מכתב.
check-email = בדקו את תיבת האימייל
check-email-sent = שלחנו הודעה לכתובת שהזנתם. פתחו את הקישור שבה כדי לאשר את חתימתכם על
get-new-link = בקשו קישור חדש
sentence-end = .
check-email-until = עד שתאשרו, החתימה לא נספרת והשם לא מוצג. אם דבר לא הגיע תוך כמה דקות, חפשו בתיקיית הספאם, או
back-to-letter = חזרה למכתב
go-to-letter = למכתב
see-open-letters = למכתבים הפתוחים
signature-confirmed = החתימה אושרה
resend-heading = קבלת קישור אישור חדש
resend-intro = הזינו את הכתובת שבה חתמתם על { $title }. אם חתימה ממתינה לאישור, נשלח קישור חדש והקישור הקודם יפסיק לעבוד.
email-label = אימייל
send-new-link = שליחת קישור חדש
share-heading = בקשו מאחרים לחתום
share-intro = כל שם מוסיף למכתב משקל. שלחו אותו לאנשים שגם הם יחתמו.
share-link-label = קישור למכתב
copy-link = העתקת הקישור
share-button = שיתוף…
share-email = אימייל
embed-title = חתימה: { $title }
embed-hint = נשלח אליכם קישור באימייל לאישור; העמוד הבא ייפתח באתר של { $site }. כתובת האימייל שלכם לעולם לא תפורסם.
read-the-letter = לקריאת המכתב
version-title = גרסה { $hash }
current-text = הנוסח הנוכחי
earlier-text = נוסח קודם
recorded = נרשם
version-word = גרסה
changed-since = המכתב השתנה מאז.
read-current = לקריאת המכתב הנוכחי.
all-versions = כל הגרסאות
versions-intro = כל חתימה שומרת את גרסת הנוסח שהחותם קרא. החדשה ביותר תחילה.
no-versions = לא נרשמו גרסאות.
current = נוכחית
unsubscribe-heading = הסרה מרשימת העדכונים
unsubscribe-intro = לא יישלחו עוד עדכונים על „{ $title }” אל הכתובת שלכם. החתימה שלכם נשארת על המכתב.
unsubscribe-button = הסרה
unsubscribed-heading = הוסרתם מרשימת העדכונים
unsubscribed-text = לא יישלחו אליכם עוד עדכונים על „{ $title }”. החתימה שלכם נשארת על המכתב.
supporters-title = התומכים שלכם
supporters-of = התומכים של { $organization }
supporters-text =
    { $count ->
        [one] אדם אחד חתם על „{ $title }” דרך הקישור שלכם וביקש ש{ $organization } יעדכנו אותו. רק הוא מופיע בקובץ.
       *[other] { $count } אנשים חתמו על „{ $title }” דרך הקישור שלכם וביקשו ש{ $organization } יעדכנו אותם. רק הם מופיעים בקובץ.
    }
download-csv = הורדת CSV
download-json = הורדת JSON
link-works-until = הקישור האישי הזה פעיל עד { $when }. נא לא להעביר אותו הלאה.
form-unreadable = לא ניתן היה לקרוא את הטופס
form-unreadable-text = שלחו אותו מעמוד המכתב.
link-broken = הקישור הזה לא עובד
link-broken-text = ייתכן שהוא נקטע או הוקלד בטעות. העתיקו את הכתובת המלאה מהאימייל לדפדפן.
link-expired = תוקף הקישור פג
link-expired-text = הקישורים באימיילים שלנו פעילים לזמן מוגבל.
link-used = כבר נעשה שימוש בקישור הזה
link-used-text = כל קישור עובד פעם אחת; ייתכן שאימייל חדש יותר החליף אותו.
again-verify = לקבלת קישור חדש, היכנסו לקישור שלמטה או חתמו שוב על המכתב עם אותה כתובת אימייל.
again-withdraw = בכל אימייל אישור יש קישור משלו לביטול החתימה; לקבלת קישור חדש, חתמו שוב עם אותה כתובת אימייל.
again-invite = בקשו מצוות הקואליציה לשלוח קישור הזמנה חדש.
letter-closed = המכתב נסגר
letter-closed-text = המכתב הפסיק לקבל חתימות, והזמן לאשר חתימה שניתנה לפני הסגירה חלף.
thanks-anyway = תודה על התמיכה בכל זאת.
confirm-heading = אישור החתימה
confirm-intro = לחצו על הכפתור כדי לאשר את חתימתכם על „{ $title }”.
confirm-button = אישור החתימה שלי
already-confirmed = החתימה שלכם כבר אושרה
already-confirmed-text = אין צורך לעשות דבר נוסף. תודה שחתמתם.
org-already-signed = הארגון שלכם כבר חתם
org-already-signed-text = תודה על האישור. חתימה מאושרת אחרת של הארגון כבר מופיעה על המכתב, ולכן היא לא נוספה פעם שנייה.
org-already-signed-mail = שלחנו לכם אימייל על כך; צוות הקואליציה רואה את שתי החתימות.
confirmed-thanks = תודה. החתימה שלכם אושרה.
confirmed-review = צוות הקואליציה בודק חתימות של ארגונים; הארגון שלכם יופיע ברשימה לאחר שיאשרו אותו.
confirmed-counts = היא נספרת עכשיו בסך הכול, ואם בחרתם להופיע ברשימה, שמכם מופיע על המכתב.
withdraw-heading = ביטול החתימה
withdraw-intro = שמכם יוסר מהרשימה ומהספירה, ופרטיכם יימחקו. לא ניתן לבטל פעולה זו.
withdraw-button = ביטול החתימה שלי
withdrawn-already = החתימה שלכם כבר בוטלה
withdrawn = החתימה שלכם בוטלה
withdrawn-text = שמכם כבר אינו מופיע על המכתב או בספירה, ופרטיכם נמחקו.
not-found = הדף לא נמצא
not-found-text = אין דף בכתובת הזו. ייתכן שהמכתב הועבר, או שהכתובת הוקלדה בטעות.
bad-request = זה לא הצליח
too-many = יותר מדי בקשות
too-many-text = הגיעו יותר מדי בקשות מהכתובת שלכם בזמן קצר. המתינו דקה ונסו שוב.
not-accepted = לא התקבל
server-error = משהו השתבש אצלנו
server-error-text = דבר לא השתנה. נסו שוב בעוד רגע.
# A read turned away in the last moment before this instance stops (a balancer sends it to another).
restarting = השרת מופעל מחדש
restarting-text = נא לטעון את הדף מחדש בעוד כמה שניות.
unavailable = מצטערים, איננו יכולים לענות כרגע
unavailable-text = מסד הנתונים שלנו אינו עונה, ולכן דבר לא השתנה. נסו שוב בעוד כמה שניות.
page-number-invalid = מספר העמוד בכתובת אינו מספר.
blocked-network = חתימות מהרשת שלכם אינן מתקבלות. אם נראה לכם שזו טעות, פנו לקואליציה.

## Invites and unsubscribing
invite-already-signed-text = חתימת הארגון כבר מופיעה על המכתב או ממתינה לבדיקה; דבר לא השתנה.
org-now-listed = הארגון שלכם מופיע עכשיו על המכתב.
thank-you-for-signing = תודה שחתמתם
send-one-click = כדי להסיר את ההרשמה, שלחו List-Unsubscribe=One-Click.
sign-for = חתימה בשם { $organization }
invite-sent-to = קישור ההזמנה הזה נשלח אל { $email }; אין צורך באישור נוסף.
list-org-publicly = הצגת { $organization } ברשימת החותמים הפומבית
list-org-publicly-hint = שם הארגון, שמכם ותפקידכם, העיר, המדינה, האתר וההערה יופיעו אז בעמודי המכתב. בלי סימון, החתימה נספרת אך לא מוצגת.
    .fields = name organization title city country comment website

## Delivered
delivered-to = נמסר אל { $addressee } בתאריך
delivered-read-more = עוד על מסירת המכתב

# The defaults of [site] tagline and footer, shown when the operator kept them.
site-default-tagline = מכתבים פתוחים, בחתימה גלויה
site-default-footer = כל חתימה מאושרת באימייל לפני שהיא נספרת. כתובות אימייל לעולם אינן מתפרסמות.

# The share step's Copy button once the link is copied (static/share.js reads them from the page).
signer-copied = הועתק
signer-link-copied = הקישור הועתק.
# l10nupdates: the delivery in the letter page's updates timeline.
updates-delivered-to = נמסר אל { $addressee }
# l10nupdates: the sentence that opens the update sent from a delivery (its version in a translation's language).
updates-delivered-body = המכתב “{ $title }” נמסר אל { $addressee } ב־{ $date }.
# The language switcher: the letter on this page is not written in this language.
language-interface-only = (המכתב לא תורגם)
# signerloop: the signer's choices said back (check-email page, confirmation email, confirm and confirmed pages).
signerloop-yes = כן
signerloop-no = לא
signerloop-choice-public = השם מוצג בפומבי על המכתב: { $answer }
signerloop-choice-updates = עדכונים על המכתב בדוא״ל: { $answer }
signerloop-choice-shared = הפרטים משותפים עם { $member }: { $answer }
signerloop-choices-heading = הבחירות שלך
signerloop-choices-hint = אפשר לשנות אותן לפני האישור.
signerloop-choices-change-mail = בעמוד שהכפתור פותח אפשר לשנות אותן לפני האישור.
# signerloop: the check-email page.
signerloop-sent-to = שלחנו הודעה אל { $email }. פתחו את הקישור שבה כדי לאשר את החתימה שלכם על { $title }.
signerloop-did-you-mean = האם התכוונתם ל־{ $email }?
signerloop-use-suggestion = כן, לתקן את הכתובת
signerloop-wrong-address = כתובת שגויה?
signerloop-change-it = לשנות אותה
signerloop-change-choices = לשנות את הבחירות
signerloop-change-before = (לפני האישור)
# signerloop: a sign form posted from another site's page.
signerloop-cross-site = חותמים בעמוד של המכתב עצמו
signerloop-cross-site-text = הטופס נשלח מעמוד של אתר אחר, ולכן שום דבר לא נחתם ולא נשלח דוא״ל. כדי לחתום, פתחו את המכתב כאן והשתמשו בטופס שלו.
signerloop-cross-site-link = למכתב ולחתימה
# signerloop: a confirm link of a signature withdrawn since.
signerloop-link-withdrawn = החתימה הזאת בוטלה
signerloop-link-withdrawn-text = הקישור שייך לחתימה שבוטלה מאז, ולכן אין מה לאשר. אפשר לחתום על המכתב שוב אם תרצו.
# signerloop: the confirmed page, saying what the signer chose.
signerloop-confirmed-listed = היא נספרת עכשיו בסך הכול ומוצגת בפומבי על המכתב.
signerloop-confirmed-unlisted = היא נספרת עכשיו בסך הכול. כפי שבחרתם, היא לא מוצגת בפומבי.
signerloop-signed-as = נחתם בשם { $name }
signerloop-signing-for = נחתם עבור { $name }
# signerloop: the withdraw pages name the letter and the person.
signerloop-withdraw-intro = החתימה שלכם על { $title } תוסר מהרשימה ומהספירה, והפרטים שלכם יימחקו. אי אפשר לבטל זאת.
signerloop-withdrawn-named = { $name } כבר לא מופיע/ה על „{ $title }”.
signerloop-withdrawn-from = החתימה שלכם על „{ $title }” בוטלה.
# signerloop: the letter page in a browser that signed it.
signerloop-you-signed = חתמתם על המכתב
signerloop-you-signed-text = תודה. אם עוד לא אישרתם, פתחו את הקישור ששלחנו בדוא״ל: עד אז החתימה לא נספרת. עכשיו בקשו מאחרים להוסיף את שמם.
signerloop-sign-another = לחתום בשם או בכתובת אחרים
# listing: the one notion of listed (signatures::Listing) in the page's sentences.
listing-partly-listed =
    { $listed ->
        [0] { $who } (אף אחד לא מוצג)
       *[other] { $who } ({ $listed } מוצגים למטה)
    }
listing-be-first = היו הראשונים לחתום
listing-org-counted-unlisted = החתימה של הארגון שלכם נספרת עכשיו. כפי שבחרתם, היא אינה מוצגת ברבים: שם הארגון אינו מופיע בעמודי המכתב.
listing-review-unlisted = צוות הקואליציה בודק חתימות של ארגונים לפני שהן נספרות. לאחר שיאשרו אותה, החתימה של הארגון שלכם תיספר; כפי שבחרתם, היא לא תוצג ברבים.
listing-og-image-alt-first = { $title }: מכתב פתוח אל { $addressee }. היו הראשונים לחתום.
# staffdeliver: the print view's count of every counted signature, above the names.
staffdeliver-print-signatures =
    { $count ->
        [one] חתימה אחת
       *[other] { $count } חתימות
    }
# staffdeliver: after the listed organizations, the counted ones that chose not to be listed.
staffdeliver-more-organizations =
    { $count ->
        [one] ועוד ארגון אחד
       *[other] ועוד { $count } ארגונים
    }
# staffdeliver: after the listed individuals, the counted ones who chose not to be listed.
staffdeliver-more-individuals =
    { $count ->
        [one] ועוד אדם אחד
       *[other] ועוד { $count } אנשים
    }
# staffdeliver: the console's count of addresses an update goes to.
staffdeliver-addresses =
    { $count ->
        [one] כתובת אחת
       *[other] { $count } כתובות
    }

# signatories: the search form on the signatories page.
signatories-search-region = חיפוש בין החותמים
signatories-search-label = שם או ארגון
signatories-search-hint = די בחלק מהשם; ניקוד ואותיות רישיות אינם משנים.
signatories-country-label = מדינה
signatories-search-button = חיפוש
signatories-search-clear = הצגת כל החותמים
signatories-search-found =
    { $count ->
        [one] נמצא חותם אחד
       *[other] נמצאו { $count } חותמים
    }
signatories-search-none = אין חותמים שמתאימים ל־{ $search }.
# The embed (a member's site frames the sign form): under the form; the answer stays in the frame.
embedupdates-hint = נשלח אליכם קישור באימייל לאישור החתימה. כתובת האימייל שלכם לעולם לא תפורסם.
# The embed's "check your email": before the address the person typed.
embedupdates-sent-to = הקישור נשלח אל
# The embed's "check your email": a link back to the form, to sign with another address.
embedupdates-wrong-address = זו לא הכתובת שלכם? חתמו שוב
# myself: /my-signatures, where a person sees and withdraws what is held on them.
myself-heading = החתימות שלכם
myself-footer-link = החתימות שלכם
myself-intro = הזינו את כתובת האימייל שאיתה חתמתם. אם היא חתמה כאן על מכתב כלשהו, נשלח אליה קישור לרשימה של כל המכתבים שעליהם חתמה: מה ציבורי, מה אנחנו שומרים ולמה, וכפתור לביטול כל חתימה או את כולן.
myself-email-hint = (זו שאיתה חתמתם)
myself-send-button = שלחו לי את הרשימה
myself-cross-site-text = הבקשה נשלחה מדף של אתר אחר, ולכן לא נעשה דבר. פתחו את הדף הזה באתר שלנו כדי לבקש את הרשימה.
myself-sent-heading = בדקו את תיבת האימייל
myself-sent-text = אם הכתובת שהזנתם חתמה כאן על מכתב, שלחנו אליה קישור לרשימת החתימות שלה. הקישור תקף ל־24 שעות.
myself-sent-nothing = לא הגיע דבר? בדקו בתיקיית הספאם. חתימה שבוטלה אינה שומרת דבר עליכם, ולכן כתובת שכל חתימותיה בוטלו לא תקבל אימייל.
myself-sent-again = לבקש את הרשימה שוב
myself-link-dead = הקישור הזה אינו פועל
myself-link-dead-text = תוקפו פג (הוא תקף ל־24 שעות) או שלא הועתק במלואו. בקשו קישור חדש.
myself-list-heading = המכתבים שעליהם חתמתם
myself-withdrawn-heading = בוטל
myself-withdrawn-from = החתימה שלכם על { $title } בוטלה.
myself-none = איננו שומרים דבר על הכתובת הזו: אין לה חתימה על אף מכתב כאן, או שכל חתימותיה בוטלו.
myself-count =
    { $count ->
        [one] הכתובת הזו חתמה על מכתב אחד.
       *[other] הכתובת הזו חתמה על { $count } מכתבים.
    }
myself-list-intro = לכל אחד: מה מצבו, מה הציבור רואה, מה אנחנו שומרים ולמה.
myself-signed-on = תאריך החתימה
myself-status = מצב
myself-public = ציבורי
myself-state-pending = ממתינה לאישור שלכם דרך הקישור ששלחנו באימייל
myself-state-awaiting-approval = אושרה; ממתינה לאישור הארגון על ידי צוות הקואליציה
myself-state-counted = אושרה ונספרת
myself-state-rejected = לא התקבלה על ידי צוות הקואליציה: אינה נספרת ואינה מוצגת
myself-state-removed = הוסרה על ידי צוות הקואליציה: אינה נספרת ואינה מוצגת
myself-state-duplicate = לא נוספה: הארגון כבר חתם
myself-public-listed = שמכם והפרטים המסומנים „ציבורי” למטה מופיעים ברשימת החותמים על המכתב.
myself-public-counted = נספרת בסך הכול; דבר עליכם אינו מוצג, כפי שבחרתם.
myself-public-nothing = כלום: היא אינה נספרת ואינה מוצגת.
myself-held-heading = מה אנחנו שומרים
myself-held-name = שם
myself-held-organization = ארגון
myself-held-email = כתובת אימייל
myself-tag-public = ציבורי
myself-tag-private = לא ציבורי
myself-not-held = לא נשמרת
myself-why-heading = למה אנחנו שומרים את הכתובת שלכם
myself-address-not-held = איננו שומרים את הכתובת שלכם עבור החתימה הזו, אלא רק טביעת אצבע מוצפנת שלה שאי אפשר להפוך חזרה לכתובת. היא מזהה חתימה שנייה שלכם, ובעזרתה נמצאה החתימה הזו לרשימה.
myself-reason-confirm = כדי לאשר את החתימה: עד שתאשרו, הקישור נשלח לכתובת הזו.
myself-reason-updates = ביקשתם לקבל עדכונים על המכתב הזה.
myself-reason-member = ביקשתם ש־{ $member } יעדכנו אתכם: הם מקבלים את שמכם ואת כתובתכם.
myself-reason-organization = חתמתם בשם ארגון: הקואליציה שומרת דרך ליצור קשר עם איש הקשר שלו.
myself-reason-delivery = הקואליציה שומרת את כתובות החותמים על המכתב הזה עד שיימסר.
myself-reason-kept = לא נותרה סיבה: היא תימחק בתוך שעה.
myself-withdraw-one = ביטול החתימה הזו
myself-withdraw-all-text = ביטול מסיר את שמכם מהרשימות ומהספירות של המכתבים ומוחק את פרטיכם. אי אפשר לבטל זאת.
myself-withdraw-all = ביטול כל החתימות שלי
myself-ask-again = לבקש קישור חדש
myself-reason-delivery-until = הקואליציה שומרת את כתובות החותמים על המכתב הזה עד { $when }.
myself-reason-member-gone = ביקשתם שארגון חבר יעדכן אתכם; הוא כבר אינו ברשימת הקואליציה.
# A member contact's download page: what the file holds for each signer (the partner file's columns).
partners-file-columns = לכל אחד מהם הקובץ כולל שם, ארגון, תפקיד, עיר, מדינה, כתובת אימייל, שפה ואת היום שבו חתם.
# privacy: the notice at /privacy, written from the configuration (src/http/privacy.rs), and
# the line by every sign button.
privacy-lede = הודעה זו נכתבת מתוך ההגדרות של האתר עצמו, ולכן היא אומרת מה האתר עושה בפועל בפרטים שאתם מוסרים לו.
privacy-list-separator = ,{" "}
privacy-field-title = תפקיד
privacy-field-city = עיר
privacy-field-country = מדינה
privacy-field-comment = הערה
privacy-field-website = אתר אינטרנט (של ארגון)
privacy-who-heading = מי אחראי
privacy-who = { $site } מפעיל את האתר ואת המכתבים הפתוחים שבו, ואחראי לפרטים שאתם מוסרים כאן.
privacy-contact = כדי לשאול מה שמור אצלנו עליכם, או כדי לתקן או למחוק זאת, כתבו אל { $contact }.
privacy-no-contact = { $site } לא מסר כאן כתובת דוא״ל לשאלות: הקישורים בהודעות הדוא״ל שאנחנו שולחים מבטלים את חתימתכם ומפסיקים את המשלוח.
privacy-kept-heading = מה אנחנו שומרים כשאתם חותמים
privacy-kept-details = שמכם וכתובת הדוא״ל שלכם, הארגון שבשמו אתם חותמים אם יש כזה, ומה שעוד מילאתם: { $fields }.
privacy-kept-choices = הבחירות שלכם: אם שמכם מוצג ברשימה הפומבית, אם תרצו עדכונים על המכתב, ואם ארגון חבר רשאי לעדכן אתכם.
privacy-kept-record = נוסח המכתב שקראתם ושפתו, מתי חתמתם ומתי אישרתם.
privacy-kept-no-network = איננו שומרים את כתובת הרשת (IP) שלכם עם חתימתכם.
privacy-address-heading = כתובת הדוא״ל שלכם
privacy-address-confirm = תחילה אנחנו משתמשים בה כדי לשלוח לכם את הקישור שמאשר את חתימתכם.
privacy-address-reasons = אחרי שאישרתם, אנחנו שומרים אותה רק כל עוד רשומה סיבה לכך:
privacy-reason-updates = ביקשתם לקבל עדכונים על המכתב;
privacy-reason-member = הרשיתם לארגון חבר לעדכן אתכם;
privacy-reason-organization = חתמתם בשם ארגון, כאיש הקשר שלו;
privacy-reason-delivery = המכתב שומר את כתובות החותמים עד שהוא נמסר.
privacy-address-fingerprint = אחרת אנחנו מחליפים אותה בטביעת אצבע מוצפנת במפתח. טביעת האצבע מאפשרת לזהות כשאותה כתובת חותמת שוב ושומרת על קישור הביטול שלכם תקף, אבל אי אפשר לשחזר ממנה את כתובתכם, ובלי מפתח סודי שנשמר מחוץ למסד הנתונים אי אפשר אפילו לבדוק אותה מול כתובת מנוחשת.
privacy-delivery-letters = המכתבים האלה שומרים את כתובות החותמים עד שהם נמסרים: { $letters }.
privacy-delivery-none = כרגע אף מכתב באתר הזה אינו שומר את כתובות החותמים עד מסירתו.
privacy-public-heading = מה פומבי
privacy-public = רק אם תסמנו „{ $box }”: אז שמכם, הארגון, { $fields } ומועד החתימה מופיעים בעמודי המכתב וברשימת החותמים, ובנתונים שהאתר מפרסם על המכתב. בלי הסימון, חתימתכם נספרת אך אינה מוצגת. כתובת הדוא״ל שלכם לעולם אינה מתפרסמת.
privacy-sees-heading = מי עוד רואה את פרטיכם
privacy-sees-staff = הצוות של { $site }, במסוף הניהול: כל חתימה והפרטים השמורים, כדי לבדוק, לספור ולמסור את החתימות.
privacy-sees-addressee = נמעני המכתב, כש{ $site } מוסר להם את רשימת החותמים.
privacy-sees-member = ארגון חבר שהרשיתם לו לעדכן אתכם: שמכם, הארגון, התפקיד, העיר, המדינה, כתובת הדוא״ל, השפה ותאריך החתימה, ותו לא.
privacy-sees-mail = שירות הדוא״ל שמעביר אליכם את ההודעות שלנו.
privacy-how-long-heading = כמה זמן אנחנו שומרים
privacy-long-unconfirmed = חתימה שלא אושרה נמחקת { $days ->
        [one] אחרי יום אחד
        [two] אחרי יומיים
       *[other] אחרי { $days } ימים
    } (קישור האישור שלה תקף { $hours ->
        [one] שעה אחת
        [two] שעתיים
       *[other] { $hours } שעות
    }).
privacy-long-confirmed = חתימה מאושרת (שמכם ומה שמילאתם) נשמרת עם המכתב, כתיעוד של מי שחתם עליו, עד שתבטלו אותה.
privacy-long-updates = כתובת שנשמרת לשם עדכונים נשמרת עד שתבטלו את המינוי (בקישור שבכל עדכון) או את החתימה; כתובת שנשמרת בשביל ארגון חבר או כאיש הקשר של ארגון — עד שתבטלו את החתימה.
privacy-long-delivery = כתובת שנשמרת רק משום שהמכתב שומר כתובות עד מסירתו נמחקת { $days ->
        [one] יום אחד
        [two] יומיים
       *[other] { $days } ימים
    } אחרי שהמכתב נסגר או נמסר.
privacy-long-mail = העותק של כל דוא״ל שאנחנו שולחים לכם נמחק { $days ->
        [one] יום אחד
        [two] יומיים
       *[other] { $days } ימים
    } אחרי שליחתו, וכתובתכם נמחקת ממנו ברגע שאנחנו מפסיקים לשמור אותה.
privacy-long-logs = יומן הבקשות של השרת רושם את כתובת הרשת שממנה התבקש כל עמוד; { $site } מחליט כמה זמן נשמרים היומנים.
privacy-withdraw-heading = ביטול החתימה והפסקת הדוא״ל
privacy-withdraw = בדוא״ל האישור יש קישור שמבטל את חתימתכם ומוחק את פרטיכם מיד; הוא תקף { $days ->
        [one] יום אחד
        [two] יומיים
       *[other] { $days } ימים
    }. בכל דוא״ל על מכתב יש קישור להפסקת המשלוח.
privacy-own-heading = מאת { $site }
privacy-own-link = ל{ $site } יש גם הודעת פרטיות משלו: { $link }
privacy-gist = אחרי האישור, { $site } שומר את כתובת הדוא״ל שלכם רק אם תבקשו עדכונים, תרשו לארגון חבר לעדכן אתכם, או תחתמו בשם ארגון.
privacy-gist-until-delivery = במכתב הזה { $site } שומר את כתובת הדוא״ל שלכם עד שהמכתב נמסר, ומוחק אותה { $days ->
        [one] יום אחד
        [two] יומיים
       *[other] { $days } ימים
    } אחרי שהמכתב נסגר או נמסר (יותר מזה רק אם תבקשו עדכונים, תרשו לארגון חבר לעדכן אתכם, או תחתמו בשם ארגון).
privacy-gist-organization = { $site } שומר את כתובת הדוא״ל שלכם כאיש הקשר של הארגון כל עוד חתימתו עומדת, ולעולם אינו מפרסם אותה.
privacy-gist-link = מה אנחנו שומרים, לכמה זמן ומי רואה
privacy-delivery-erased-on = { $letter } (כתובות החותמים עליו נמחקות ב־{ $date })
myself-privacy-see-all = כדי לראות את כל המכתבים שהכתובת שלכם חתמה עליהם, מה אנחנו שומרים עליה ולמה, ולבטל כל אחת מהחתימות, בקשו ב{ $page }: נשלח את הרשימה לכתובת הזו.
