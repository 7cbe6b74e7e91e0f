i-sign = אני חותם/ת
as-person = כאדם פרטי
for-organization = בשם ארגון
your-name = השם שלכם
name-hint-unknown = (עבור ארגון: מי שחותם בשמו)
name-of-signer = שם החותם/ת
email-hint = (לאישור; לא יוצג)
organization-label = ארגון
organization-hint-unknown = (חובה כשחותמים בשם ארגון; אחרת השתייכות, לא חובה)
organization-hint-person = (השתייכות, לא חובה)
title-label = תפקיד
optional = (לא חובה)
city-label = עיר
country-label = מדינה
website-label = אתר אינטרנט
website-hint-unknown = (לארגונים בלבד, לא חובה)
comment-label = הערה
list-publicly = הצגת שמי ברשימה הפומבית
list-publicly-hint = השם, הארגון, התפקיד, העיר, המדינה וההערה שלכם יופיעו אז בעמוד המכתב וברשימת החותמים. בלי סימון, החתימה נספרת אך לא מוצגת.
    .fields = name organization title city country comment
keep-updated = עדכנו אותי על המכתב הזה
partner-informed = { $partner } רשאים לעדכן אותי
honeypot-label = השאירו שדה זה ריק
problem-heading = יש בעיה
correct-fields = נא לתקן את השדות המסומנים למטה.
press-again = נא לבדוק את הפרטים וללחוץ שוב על „חתימה”.
slow-down = אנשים רבים חתמו זה עתה מהרשת שלכם. המתינו דקה ואז לחצו שוב על „חתימה”: הפרטים שלכם נשמרו למטה.
check-address = נא לבדוק את הכתובת וללחוץ שוב על הכפתור.
error-choose-kind = בחרו אם אתם חותמים כאדם פרטי או בשם ארגון.
error-organizations-only = על המכתב הזה חותמים ארגונים בלבד.
error-individuals-only = על המכתב הזה חותמים אנשים פרטיים בלבד.
error-enter-name = נא להזין את שמכם.
error-enter-organization = נא להזין את שם הארגון.
error-enter-email = נא להזין את כתובת האימייל שלכם.
error-email-too-long = כתובת האימייל ארוכה מדי.
error-email-invalid = נא להזין כתובת אימייל כמו name@example.org.
error-blocked-domain = חתימות מדומיין האימייל הזה אינן מתקבלות. נא להשתמש בכתובת אחרת.
error-empty = השדה הזה לא יכול להיות ריק.
error-too-long =
    { $count ->
        [one] לכל היותר תו אחד.
       *[other] לכל היותר { $count } תווים.
    }
error-line-break = נא לכתוב זאת בשורה אחת.
error-separator = נא להשתמש במעברי שורה רגילים, לא במפרידי שורה או פסקה של יוניקוד.
error-control = יש כאן תווים אסורים: תווי בקרה כמו NUL או escape.
error-direction = יש כאן תווים אסורים: תווים בלתי נראים שמשנים את כיוון הטקסט.
error-invisible = יש כאן תווים אסורים: תווי עיצוב בלתי נראים כמו רווחים ברוחב אפס.
error-unsupported = יש כאן תווים אסורים: תווים לשימוש פרטי או שאינם מוגדרים, שמוצגים כריבועים או לא מוצגים כלל.
error-marks = יותר מדי סימני ניקוד או הטעמה על אות אחת.
error-no-letter = נא להשתמש לפחות באות או בספרה אחת.
error-web-address = נא להזין כתובת אתר כמו https://example.org.
# listing: the sign form's words for an organization.
listing-org-name = שם הארגון
listing-list-your-org = הצגת הארגון שלכם ברשימת החותמים הפומבית
listing-add-organization = הוספת הארגון שלנו
listing-review-up-front = צוות הקואליציה בודק ארגונים לפני שהם נספרים ומופיעים על המכתב.
