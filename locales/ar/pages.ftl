language-name = العربية
languages-label = اللغة
skip-to-content = انتقل إلى المحتوى
privacy-notice = إشعار الخصوصية
feed-title = رسائل مفتوحة
error-prefix = خطأ:{" "}
letter-to = إلى { $addressee }
open-letter-to = رسالة مفتوحة إلى { $addressee }
og-image-alt = { $title }: رسالة مفتوحة إلى { $addressee }، { $signatures }
signatures =
    { $count ->
        [zero] لا توقيعات
        [one] توقيع واحد
        [two] توقيعان
        [few] { $count } توقيعات
        [many] { $count } توقيعًا
       *[other] { $count } توقيع
    }
signatures-word =
    { $count ->
        [zero] توقيع
        [one] توقيع
        [two] توقيعان
        [few] توقيعات
        [many] توقيعًا
       *[other] توقيع
    }
add-your-name-so-far =
    { $count ->
        [zero] أضف اسمك: لا توقيعات حتى الآن
        [one] أضف اسمك: توقيع واحد حتى الآن
        [two] أضف اسمك: توقيعان حتى الآن
        [few] أضف اسمك: { $count } توقيعات حتى الآن
        [many] أضف اسمك: { $count } توقيعًا حتى الآن
       *[other] أضف اسمك: { $count } توقيع حتى الآن
    }
updates-heading = مستجدات
no-signatures-yet = لا توقيعات بعد
signed-by = وقّع عليها { $who }
signed-by-both = وقّع عليها { $organizations } و{ $individuals }
organizations-count =
    { $count ->
        [zero] لا منظمات
        [one] منظمة واحدة
        [two] منظمتان
        [few] { $count } منظمات
        [many] { $count } منظمةً
       *[other] { $count } منظمة
    }
individuals-count =
    { $count ->
        [zero] لا أفراد
        [one] فرد واحد
        [two] فردان
        [few] { $count } أفراد
        [many] { $count } فردًا
       *[other] { $count } فرد
    }
organizations-heading = المنظمات
individuals-heading = الأفراد
recent-signatures = أحدث التوقيعات
see-everyone = جميع الموقّعين
partners-heading = بمساهمة شركائنا
text-versions = نسخ النص
versions-note = يسجّل كل توقيع نسخة النص التي رآها صاحبه.
progress-label = التقدّم نحو الهدف
goal = الهدف: { $goal }
to-go =
    { $count ->
        [zero] لم يبقَ شيء
        [one] بقي توقيع واحد
        [two] بقي توقيعان
        [few] بقيت { $count } توقيعات
        [many] بقي { $count } توقيعًا
       *[other] بقي { $count } توقيع
    }
goal-reached = تحقّق الهدف
add-your-name = أضف اسمك
open-until-before = مفتوحة للتوقيع حتى{" "}
open-until-after = .
sign-button = وقّع على الرسالة
sign-hint = نرسل إليك رابطًا بالبريد الإلكتروني للتأكيد. لن يُنشر عنوان بريدك أبدًا.
status-open = مفتوحة
status-closed = مغلقة
status-draft = مسودة
status-delivered = سُلّمت
not-open-yet = هذه الرسالة غير مفتوحة للتوقيع بعد.
closed-notice = أُغلقت هذه الرسالة ولم تعد تقبل توقيعات.
signatories = الموقّعون
sign-this-letter = وقّع على هذه الرسالة
names-listed =
    { $count ->
        [zero] لا أسماء معروضة
        [one] اسم واحد معروض
        [two] اسمان معروضان
        [few] { $count } أسماء معروضة
        [many] { $count } اسمًا معروضًا
       *[other] { $count } اسم معروض
    }
page-of = الصفحة { $page } من { $pages }
no-names-yet = لا أسماء معروضة بعد.
pages-label = الصفحات
previous-page = الصفحة السابقة
next-page = الصفحة التالية
open-letters = رسائل مفتوحة
no-letter-yet = لم تُنشر أي رسالة بعد.
check-email = تفقّد بريدك الإلكتروني
check-email-sent = أرسلنا رسالة إلى العنوان الذي أدخلته. افتح الرابط الذي فيها لتأكيد توقيعك على
get-new-link = اطلب رابطًا جديدًا
sentence-end = .
check-email-until = إلى أن تؤكّد، لا يُحتسب توقيعك ولا يظهر اسمك. إن لم يصل شيء خلال دقائق، فابحث في مجلد الرسائل غير المرغوب فيها، أو
back-to-letter = العودة إلى الرسالة
go-to-letter = إلى الرسالة
see-open-letters = الرسائل المفتوحة
signature-confirmed = تأكّد التوقيع
resend-heading = احصل على رابط تأكيد جديد
resend-intro = أدخل العنوان الذي وقّعت به على { $title }. إن كان هناك توقيع ينتظر التأكيد، نرسل رابطًا جديدًا ويتوقف الرابط القديم عن العمل.
email-label = البريد الإلكتروني
send-new-link = أرسل رابطًا جديدًا
share-heading = ادعُ الآخرين إلى التوقيع
share-intro = يزداد وزن الرسالة مع كل اسم. أرسلها إلى من قد يوقّعون عليها أيضًا.
share-link-label = رابط الرسالة
copy-link = انسخ الرابط
share-button = مشاركة…
share-email = بريد إلكتروني
embed-title = وقّع: { $title }
embed-hint = نرسل إليك رابطًا بالبريد الإلكتروني للتأكيد؛ تُفتح الصفحة التالية على موقع { $site }. لن يُنشر عنوان بريدك أبدًا.
read-the-letter = اقرأ الرسالة
version-title = النسخة { $hash }
current-text = النص الحالي
earlier-text = نص سابق
recorded = سُجّل
version-word = النسخة
changed-since = تغيّرت الرسالة منذ ذلك الحين.
read-current = اقرأ الرسالة الحالية.
all-versions = جميع النسخ
versions-intro = يسجّل كل توقيع نسخة النص التي قرأها صاحبه. الأحدث أولًا.
no-versions = لا نسخ مسجّلة.
current = الحالية
unsubscribe-heading = إلغاء الاشتراك في المستجدات
unsubscribe-intro = لن تُرسل مستجدات أخرى عن «{ $title }» إلى عنوانك. يبقى توقيعك على الرسالة.
unsubscribe-button = إلغاء الاشتراك
unsubscribed-heading = أُلغي اشتراكك
unsubscribed-text = لن تُرسل إليك مستجدات أخرى عن «{ $title }». يبقى توقيعك على الرسالة.
supporters-title = مؤيّدوكم
supporters-of = مؤيّدو { $organization }
supporters-text =
    { $count ->
        [zero] لم يوقّع أحد على «{ $title }» عبر رابطكم طالبًا أن تُبقيه { $organization } على اطلاع.
        [one] وقّع شخص واحد على «{ $title }» عبر رابطكم وطلب أن تُبقيه { $organization } على اطلاع. لا يضم الملف سواه.
        [two] وقّع شخصان على «{ $title }» عبر رابطكم وطلبا أن تُبقيهما { $organization } على اطلاع. لا يضم الملف سواهما.
        [few] وقّع { $count } أشخاص على «{ $title }» عبر رابطكم وطلبوا أن تُبقيهم { $organization } على اطلاع. لا يضم الملف سواهم.
        [many] وقّع { $count } شخصًا على «{ $title }» عبر رابطكم وطلبوا أن تُبقيهم { $organization } على اطلاع. لا يضم الملف سواهم.
       *[other] وقّع { $count } شخص على «{ $title }» عبر رابطكم وطلبوا أن تُبقيهم { $organization } على اطلاع. لا يضم الملف سواهم.
    }
download-csv = تنزيل CSV
download-json = تنزيل JSON
link-works-until = يعمل هذا الرابط الشخصي حتى { $when }. يُرجى عدم إعادة توجيهه.
form-unreadable = تعذّرت قراءة هذا النموذج
form-unreadable-text = أرسله من صفحة الرسالة.
link-broken = هذا الرابط لا يعمل
link-broken-text = ربما اقتُطع أو كُتب خطأً. انسخ العنوان كاملًا من البريد الإلكتروني إلى متصفحك.
link-expired = انتهت صلاحية هذا الرابط
link-expired-text = تعمل الروابط في رسائلنا لمدة محدودة.
link-used = استُخدم هذا الرابط من قبل
link-used-text = يعمل كل رابط مرة واحدة؛ ربما حلّت محلّه رسالة أحدث.
again-verify = للحصول على رابط جديد، اتبع الرابط أدناه أو وقّع على الرسالة مجددًا بعنوان البريد نفسه.
again-withdraw = تحمل كل رسالة تأكيد رابط سحب خاصًا بها؛ للحصول على رابط جديد، وقّع مجددًا بعنوان البريد نفسه.
again-invite = اطلب من فريق التحالف إرسال رابط دعوة جديد.
letter-closed = أُغلقت هذه الرسالة
letter-closed-text = توقفت الرسالة عن قبول التوقيعات، وانقضت مهلة تأكيد التوقيع الذي سبق إغلاقها.
thanks-anyway = شكرًا لدعمك على أي حال.
confirm-heading = أكّد توقيعك
confirm-intro = اضغط الزر لتأكيد توقيعك على «{ $title }».
confirm-button = أكّد توقيعي
already-confirmed = توقيعك مؤكَّد من قبل
already-confirmed-text = لا شيء آخر عليك فعله. شكرًا لتوقيعك.
org-already-signed = سبق أن وقّعت منظمتك
org-already-signed-text = شكرًا على التأكيد. يوجد على الرسالة توقيع مؤكَّد آخر لهذه المنظمة، فلم يُضف مرة ثانية.
org-already-signed-mail = أرسلنا إليك رسالة بهذا الشأن؛ ويرى فريق التحالف التوقيعين كليهما.
confirmed-thanks = شكرًا. تأكّد توقيعك.
confirmed-review = يراجع فريق التحالف توقيعات المنظمات؛ ستظهر منظمتك في القائمة بعد موافقته.
confirmed-counts = صار يُحتسب الآن في المجموع، وإن اخترت الظهور في القائمة فاسمك يظهر على الرسالة.
withdraw-heading = اسحب توقيعك
withdraw-intro = سيُزال اسمك من القائمة ومن العدد، وتُحذف بياناتك. لا يمكن التراجع عن ذلك.
withdraw-button = اسحب توقيعي
withdrawn-already = سبق أن سُحب توقيعك
withdrawn = سُحب توقيعك
withdrawn-text = لم يعد اسمك يظهر على الرسالة ولا في عددها، وحُذفت بياناتك.
not-found = الصفحة غير موجودة
not-found-text = لا توجد صفحة على هذا العنوان. ربما نُقلت الرسالة، أو كُتب العنوان خطأً.
bad-request = لم ينجح ذلك
too-many = طلبات كثيرة جدًا
too-many-text = وصلت طلبات كثيرة جدًا من عنوانك في وقت قصير. انتظر دقيقة ثم حاول مجددًا.
not-accepted = غير مقبول
server-error = حدث خطأ من جهتنا
server-error-text = لم يتغيّر شيء. يُرجى المحاولة بعد لحظات.
# A read turned away in the last moment before this instance stops (a balancer sends it to another).
restarting = يُعاد تشغيل الخادم
restarting-text = يُرجى إعادة تحميل هذه الصفحة بعد بضع ثوانٍ.
unavailable = عذرًا، لا يمكننا الرد الآن
unavailable-text = قاعدة بياناتنا لا تستجيب، لذلك لم يتغيّر شيء. يُرجى المحاولة مجددًا بعد بضع ثوانٍ.
page-number-invalid = رقم الصفحة في العنوان ليس رقمًا.
blocked-network = لا تُقبل التوقيعات من شبكتك. إن كنت تظن أن هذا خطأ، فتواصل مع التحالف.

## Invites and unsubscribing
invite-already-signed-text = توقيع هذه المنظمة موجود على الرسالة أو بانتظار المراجعة؛ لم يتغيّر شيء.
org-now-listed = صارت منظمتك معروضة على الرسالة.
thank-you-for-signing = شكرًا لتوقيعك
send-one-click = لإلغاء الاشتراك، أرسل List-Unsubscribe=One-Click.
sign-for = وقّع باسم { $organization }
invite-sent-to = أُرسل رابط الدعوة هذا إلى { $email }؛ لا حاجة إلى تأكيد آخر.
list-org-publicly = اعرض { $organization } علنًا بين الموقّعين
list-org-publicly-hint = يظهر عندئذ اسم المنظمة واسمك وصفتك والمدينة والبلد والموقع والتعليق على صفحات الرسالة. دون تحديد هذا الخيار، يُحتسب التوقيع ولا يُعرض.
    .fields = name organization title city country comment website

## Delivered
delivered-to = سُلّمت إلى { $addressee } في
delivered-read-more = المزيد عن تسليم الرسالة

# The defaults of [site] tagline and footer, shown when the operator kept them.
site-default-tagline = رسائل مفتوحة، موقّعة علنًا
site-default-footer = كل توقيع يُؤكَّد بالبريد الإلكتروني قبل أن يُحتسب. لا تُنشر عناوين البريد الإلكتروني أبدًا.

# The share step's Copy button once the link is copied (static/share.js reads them from the page).
signer-copied = تم النسخ
signer-link-copied = تم نسخ الرابط.
# l10nupdates: the delivery in the letter page's updates timeline.
updates-delivered-to = سُلّمت إلى { $addressee }
# l10nupdates: the sentence that opens the update sent from a delivery (its version in a translation's language).
updates-delivered-body = سُلّمت الرسالة «{ $title }» إلى { $addressee } في { $date }.
# The language switcher: the letter on this page is not written in this language.
language-interface-only = (الرسالة غير مترجمة)
# signerloop: the signer's choices said back (check-email page, confirmation email, confirm and confirmed pages).
signerloop-yes = نعم
signerloop-no = لا
signerloop-choice-public = الاسم معروض علنًا على الرسالة: { $answer }
signerloop-choice-updates = مستجدات هذه الرسالة بالبريد الإلكتروني: { $answer }
signerloop-choice-shared = مشاركة بياناتك مع { $member }: { $answer }
signerloop-choices-heading = اختياراتك
signerloop-choices-hint = يمكنك تغييرها قبل التأكيد.
signerloop-choices-change-mail = تتيح لك الصفحة التي يفتحها الزر تغييرها قبل التأكيد.
# signerloop: the check-email page.
signerloop-sent-to = أرسلنا رسالة إلى { $email }. افتح الرابط الذي فيها لتأكيد توقيعك على { $title }.
signerloop-did-you-mean = هل تقصد { $email }؟
signerloop-use-suggestion = نعم، صحّح عنواني
signerloop-wrong-address = عنوان خاطئ؟
signerloop-change-it = غيّره
signerloop-change-choices = غيّر اختياراتك
signerloop-change-before = (قبل التأكيد)
# signerloop: a sign form posted from another site's page.
signerloop-cross-site = وقّع في صفحة الرسالة نفسها
signerloop-cross-site-text = أُرسل هذا النموذج من صفحة موقع آخر، لذلك لم يُوقَّع شيء ولم تُرسل أي رسالة. للتوقيع، افتح الرسالة هنا واستخدم نموذجها.
signerloop-cross-site-link = اذهب إلى الرسالة ووقّع
# signerloop: a confirm link of a signature withdrawn since.
signerloop-link-withdrawn = سُحب هذا التوقيع
signerloop-link-withdrawn-text = هذا الرابط يخص توقيعًا سُحب بعد ذلك، فلم يبق شيء لتأكيده. يمكنك التوقيع على الرسالة مجددًا إن شئت.
# signerloop: the confirmed page, saying what the signer chose.
signerloop-confirmed-listed = أصبح يُحتسب في المجموع ويظهر علنًا على الرسالة.
signerloop-confirmed-unlisted = أصبح يُحتسب في المجموع. وكما اخترت، لا يظهر علنًا.
signerloop-signed-as = موقّع باسم { $name }
signerloop-signing-for = موقّع عن { $name }
# signerloop: the withdraw pages name the letter and the person.
signerloop-withdraw-intro = سيُزال توقيعك على { $title } من القائمة والعدد، وتُحذف بياناتك. لا يمكن التراجع عن ذلك.
signerloop-withdrawn-named = لم يعد { $name } يظهر على «{ $title }».
signerloop-withdrawn-from = سُحب توقيعك على «{ $title }».
# signerloop: the letter page in a browser that signed it.
signerloop-you-signed = وقّعت على هذه الرسالة
signerloop-you-signed-text = شكرًا. إن لم تؤكد بعد، فافتح الرابط الذي أرسلناه إليك: حتى ذلك الحين لا يُحتسب توقيعك. والآن ادعُ الآخرين إلى إضافة أسمائهم.
signerloop-sign-another = وقّع باسم أو عنوان آخر
# listing: the one notion of listed (signatures::Listing) in the page's sentences.
listing-partly-listed =
    { $listed ->
        [0] { $who } (لا يُعرض أيٌّ منها)
       *[other] { $who } (يُعرض { $listed } أدناه)
    }
listing-be-first = كن أول من يوقّع
listing-org-counted-unlisted = صار توقيع منظمتك يُحتسب الآن. وكما اخترت، لا يُعرض علنًا: لا يظهر اسمها على صفحات الرسالة.
listing-review-unlisted = يراجع فريق التحالف توقيعات المنظمات قبل احتسابها. وبعد موافقته سيُحتسب توقيع منظمتك؛ وكما اخترت، لن يُعرض علنًا.
listing-og-image-alt-first = { $title }: رسالة مفتوحة إلى { $addressee }. كن أول من يوقّع.
# staffdeliver: the print view's count of every counted signature, above the names.
staffdeliver-print-signatures =
    { $count ->
        [zero] لا توقيعات
        [one] توقيع واحد
        [two] توقيعان
        [few] { $count } توقيعات
        [many] { $count } توقيعًا
       *[other] { $count } توقيع
    }
# staffdeliver: after the listed organizations, the counted ones that chose not to be listed.
staffdeliver-more-organizations =
    { $count ->
        [zero] ولا منظمات أخرى
        [one] ومنظمة أخرى
        [two] ومنظمتان أخريان
        [few] و{ $count } منظمات أخرى
        [many] و{ $count } منظمةً أخرى
       *[other] و{ $count } منظمة أخرى
    }
# staffdeliver: after the listed individuals, the counted ones who chose not to be listed.
staffdeliver-more-individuals =
    { $count ->
        [zero] ولا أشخاص آخرين
        [one] وشخص آخر
        [two] وشخصان آخران
        [few] و{ $count } أشخاص آخرين
        [many] و{ $count } شخصًا آخر
       *[other] و{ $count } شخص آخر
    }
# staffdeliver: the console's count of addresses an update goes to.
staffdeliver-addresses =
    { $count ->
        [zero] لا عناوين
        [one] عنوان واحد
        [two] عنوانان
        [few] { $count } عناوين
        [many] { $count } عنوانًا
       *[other] { $count } عنوان
    }

# signatories: the search form on the signatories page.
signatories-search-region = البحث بين الموقّعين
signatories-search-label = الاسم أو المنظمة
signatories-search-hint = يكفي جزء من الاسم؛ لا تهم الحركات ولا الأحرف الكبيرة.
signatories-country-label = البلد
signatories-search-button = بحث
signatories-search-clear = عرض جميع الموقّعين
signatories-search-found =
    { $count ->
        [zero] لم يُعثر على أي موقّع
        [one] عُثر على موقّع واحد
        [two] عُثر على موقّعَين
        [few] عُثر على { $count } موقّعين
        [many] عُثر على { $count } موقّعًا
       *[other] عُثر على { $count } موقّع
    }
signatories-search-none = لا يوجد موقّعون يطابقون { $search }.
# The embed (a member's site frames the sign form): under the form; the answer stays in the frame.
embedupdates-hint = نرسل إليك رابطًا بالبريد الإلكتروني لتأكيد توقيعك. لن يُنشر عنوان بريدك أبدًا.
# The embed's "check your email": before the address the person typed.
embedupdates-sent-to = أُرسل الرابط إلى
# The embed's "check your email": a link back to the form, to sign with another address.
embedupdates-wrong-address = ليس عنوانك؟ وقّع من جديد
# myself: /my-signatures, where a person sees and withdraws what is held on them.
myself-heading = توقيعاتك
myself-footer-link = توقيعاتك
myself-intro = أدخل عنوان البريد الإلكتروني الذي وقّعت به. إن كان قد وقّع هنا على أي رسالة، نرسل إليه رابطًا إلى قائمة بكل الرسائل التي وقّع عليها: ما هو علني، وما نحتفظ به ولماذا، وزرًا لسحب كل توقيع أو سحبها جميعًا.
myself-email-hint = (الذي وقّعت به)
myself-send-button = أرسل لي القائمة
myself-cross-site-text = أُرسل هذا من صفحة موقع آخر، فلم يُفعل شيء. افتح هذه الصفحة على موقعنا لتطلب قائمتك.
myself-sent-heading = تحقّق من بريدك الإلكتروني
myself-sent-text = إن كان العنوان الذي أدخلته قد وقّع هنا على رسالة، فقد أرسلنا إليه رابطًا إلى قائمة توقيعاته. يعمل الرابط مدة 24 ساعة.
myself-sent-nothing = لم يصلك شيء؟ ابحث في مجلد الرسائل غير المرغوب فيها. التوقيع المسحوب لا يحتفظ بشيء عنك، لذا لا يصل بريد إلى عنوان سُحبت كل توقيعاته.
myself-sent-again = اطلب القائمة مرة أخرى
myself-link-dead = هذا الرابط لا يعمل
myself-link-dead-text = انتهت صلاحيته (يعمل مدة 24 ساعة) أو لم يُنسخ كاملًا. اطلب رابطًا جديدًا.
myself-list-heading = الرسائل التي وقّعت عليها
myself-withdrawn-heading = سُحب
myself-withdrawn-from = سُحب توقيعك على { $title }.
myself-none = لا نحتفظ بشيء عن هذا العنوان: ليس له توقيع على أي رسالة هنا، أو سُحبت توقيعاته جميعًا.
myself-count =
    { $count ->
        [zero] لم يوقّع هذا العنوان على أي رسالة.
        [one] وقّع هذا العنوان على رسالة واحدة.
        [two] وقّع هذا العنوان على رسالتين.
        [few] وقّع هذا العنوان على { $count } رسائل.
        [many] وقّع هذا العنوان على { $count } رسالة.
       *[other] وقّع هذا العنوان على { $count } رسالة.
    }
myself-list-intro = لكل منها: وضعها، وما يراه الجمهور، وما نحتفظ به ولماذا.
myself-signed-on = تاريخ التوقيع
myself-status = الحالة
myself-public = العلني
myself-state-pending = بانتظار تأكيدك عبر الرابط الذي أرسلناه إليك
myself-state-awaiting-approval = مؤكَّد؛ بانتظار موافقة فريق التحالف على المنظمة
myself-state-counted = مؤكَّد ومحسوب
myself-state-rejected = لم يقبله فريق التحالف: لا يُحسب ولا يُعرض
myself-state-removed = أزاله فريق التحالف: لا يُحسب ولا يُعرض
myself-state-duplicate = لم يُضف: سبق أن وقّعت المنظمة
myself-public-listed = اسمك والتفاصيل المعلَّمة بـ„علني” أدناه مدرجة في قائمة الموقّعين على الرسالة.
myself-public-counted = محسوب في المجموع؛ لا يُعرض شيء عنك، كما اخترت.
myself-public-nothing = لا شيء: لا يُحسب ولا يُعرض.
myself-held-heading = ما نحتفظ به
myself-held-name = الاسم
myself-held-organization = المنظمة
myself-held-email = عنوان البريد الإلكتروني
myself-tag-public = علني
myself-tag-private = غير علني
myself-not-held = غير محفوظ
myself-why-heading = لماذا نحتفظ بعنوانك
myself-address-not-held = لا نحتفظ بعنوانك لهذا التوقيع، بل ببصمة مشفّرة بمفتاح لا يمكن إرجاعها إلى العنوان. تتعرّف على توقيع ثانٍ منك، وبها وُجد هذا التوقيع لهذه القائمة.
myself-reason-confirm = لتأكيد توقيعك: حتى تؤكّده، يُرسل الرابط إلى هذا العنوان.
myself-reason-updates = طلبت أن تصلك مستجدّات هذه الرسالة.
myself-reason-member = طلبت أن تُبقيك { $member } على اطّلاع: تتلقّى اسمك وعنوانك.
myself-reason-organization = وقّعت باسم منظمة: يحتفظ التحالف بوسيلة للتواصل مع جهة الاتصال فيها.
myself-reason-delivery = يحتفظ التحالف بعناوين الموقّعين على هذه الرسالة حتى تسليمها.
myself-reason-kept = لم يبقَ سبب: يُمحى خلال ساعة.
myself-withdraw-one = اسحب هذا التوقيع
myself-withdraw-all-text = السحب يزيل اسمك من قوائم الرسائل وأعدادها ويحذف بياناتك. لا يمكن التراجع عنه.
myself-withdraw-all = اسحب كل توقيعاتي
myself-ask-again = اطلب رابطًا جديدًا
myself-reason-delivery-until = يحتفظ التحالف بعناوين الموقّعين على هذه الرسالة حتى { $when }.
myself-reason-member-gone = طلبت أن تُبقيك منظمة عضو على اطّلاع؛ لم تعد في قائمة التحالف.
# A member contact's download page: what the file holds for each signer (the partner file's columns).
partners-file-columns = يتضمن الملف لكل واحد منهم: الاسم والمنظمة والصفة والمدينة والبلد وعنوان البريد الإلكتروني واللغة ويوم التوقيع.
# privacy: the notice at /privacy, written from the configuration (src/http/privacy.rs), and
# the line by every sign button.
privacy-lede = يُكتب هذا الإشعار من إعدادات الموقع نفسه، ولذلك يقول ما يفعله الموقع فعلًا بالبيانات التي تقدّمها له.
privacy-list-separator = ،{" "}
privacy-field-title = المسمّى أو الصفة
privacy-field-city = المدينة
privacy-field-country = البلد
privacy-field-comment = التعليق
privacy-field-website = الموقع الإلكتروني (للمنظمات)
privacy-who-heading = من المسؤول
privacy-who = يدير { $site } هذا الموقع والرسائل المفتوحة المنشورة عليه، وهو المسؤول عن البيانات التي تقدّمها هنا.
privacy-contact = لتسأل عمّا نحتفظ به عنك، أو لتطلب تصحيحه أو محوه، اكتب إلى { $contact }.
privacy-no-contact = لا يقدّم { $site } هنا عنوان بريد للاستفسارات: الروابط في رسائل البريد التي نرسلها إليك تسحب توقيعك وتوقف رسائلنا.
privacy-kept-heading = ما الذي نحتفظ به عندما توقّع
privacy-kept-details = اسمك وعنوان بريدك الإلكتروني، والمنظمة التي توقّع باسمها إن وُجدت، وما تملؤه غير ذلك: { $fields }.
privacy-kept-choices = اختياراتك: هل يُعرض اسمك علنًا، وهل تريد مستجدات عن الرسالة، وهل يجوز لمنظمة عضو أن تبقيك على اطلاع.
privacy-kept-record = نص الرسالة الذي قرأته ولغته، ووقت توقيعك ووقت تأكيدك.
privacy-kept-no-network = لا نحتفظ بعنوان شبكتك (IP) مع توقيعك.
privacy-address-heading = عنوان بريدك الإلكتروني
privacy-address-confirm = نستخدمه أولًا لنرسل إليك الرابط الذي يؤكّد توقيعك.
privacy-address-reasons = بعد أن تؤكّد، لا نحتفظ به إلا ما دام هناك سبب مسجَّل:
privacy-reason-updates = طلبتَ أن تبقى على اطلاع بمستجدات الرسالة؛
privacy-reason-member = سمحتَ لمنظمة عضو بأن تبقيك على اطلاع؛
privacy-reason-organization = وقّعتَ باسم منظمة، بصفتك جهة الاتصال بها؛
privacy-reason-delivery = الرسالة تحتفظ بعناوين الموقّعين حتى تسليمها.
privacy-address-fingerprint = وإلا فإننا نستبدل به بصمة مشفّرة بمفتاح. تتيح لنا البصمة أن نعرف متى يوقّع العنوان نفسه مرة أخرى، وتُبقي رابط سحب التوقيع صالحًا، لكنها لا تُرجِع عنوانك، ومن دون مفتاح سري محفوظ خارج قاعدة البيانات لا يمكن حتى مقارنتها بعنوان مُخمَّن.
privacy-delivery-letters = هذه الرسائل تحتفظ بعناوين موقّعيها حتى تسليمها: { $letters }.
privacy-delivery-none = لا توجد حاليًا على هذا الموقع رسالة تحتفظ بعناوين موقّعيها حتى تسليمها.
privacy-public-heading = ما هو علني
privacy-public = فقط إذا حدّدتَ «{ $box }»: عندها يظهر اسمك ومنظمتك و{ $fields } ووقت توقيعك على صفحات الرسالة وفي قائمة موقّعيها، وفي البيانات التي ينشرها الموقع عن الرسالة. من دون التحديد، يُحتسب توقيعك ولا يُعرض. لا يُنشر عنوان بريدك الإلكتروني أبدًا.
privacy-sees-heading = من يرى بياناتك أيضًا
privacy-sees-staff = فريق { $site }، في لوحة الإدارة: كل توقيع والبيانات التي نحتفظ بها، للتحقق من التوقيعات وعدّها وتسليمها.
privacy-sees-addressee = الجهة الموجَّهة إليها الرسالة، عندما يسلّمها { $site } قائمة الموقّعين.
privacy-sees-member = منظمة عضو سمحتَ لها بأن تبقيك على اطلاع: اسمك ومنظمتك ومسمّاك ومدينتك وبلدك وعنوان بريدك ولغتك وتاريخ توقيعك، لا أكثر.
privacy-sees-mail = خدمة البريد التي تنقل رسائلنا إليك.
privacy-how-long-heading = كم من الوقت نحتفظ بها
privacy-long-unconfirmed = يُحذف التوقيع غير المؤكَّد بعد { $days ->
        [zero] { $days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    } (ويبقى رابط تأكيده صالحًا { $hours ->
        [zero] { $hours } ساعة
        [one] ساعة واحدة
        [two] ساعتين
        [few] { $hours } ساعات
        [many] { $hours } ساعة
       *[other] { $hours } ساعة
    }).
privacy-long-confirmed = يبقى التوقيع المؤكَّد (اسمك وما ملأته) محفوظًا مع الرسالة، سجلًّا لمن وقّعها، إلى أن تسحبه.
privacy-long-updates = العنوان المحفوظ للمستجدات يبقى محفوظًا إلى أن تلغي اشتراكك (بالرابط الموجود في كل تحديث) أو تسحب توقيعك؛ والعنوان المحفوظ لمنظمة عضو أو بصفته جهة اتصال منظمة يبقى إلى أن تسحب توقيعك.
privacy-long-delivery = العنوان المحفوظ فقط لأن الرسالة تحتفظ بالعناوين حتى تسليمها يُمحى بعد { $days ->
        [zero] { $days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    } من إغلاق الرسالة أو تسليمها.
privacy-long-mail = تُحذف نسخة كل رسالة بريد نرسلها إليك بعد { $days ->
        [zero] { $days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    } من إرسالها، ويُمحى منها عنوانك حالما نتوقف عن الاحتفاظ به.
privacy-long-logs = يسجّل سجلّ طلبات الخادم عنوان الشبكة الذي طُلبت منه كل صفحة؛ ويقرّر { $site } مدة الاحتفاظ بسجلّاته.
privacy-withdraw-heading = سحب التوقيع وإيقاف الرسائل
privacy-withdraw = تحمل رسالة التأكيد رابطًا يسحب توقيعك ويمحو بياناتك فورًا، ويبقى صالحًا { $days ->
        [zero] { $days } يوم
        [one] يومًا واحدًا
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    }. وتحمل كل رسالة بريد عن رسالة مفتوحة رابطًا لإيقاف هذه الرسائل.
privacy-own-heading = من { $site }
privacy-own-link = لدى { $site } أيضًا إشعار خصوصية خاص به: { $link }
privacy-gist = بعد التأكيد، لا يحتفظ { $site } بعنوان بريدك الإلكتروني إلا إذا طلبتَ المستجدات، أو سمحتَ لمنظمة عضو بأن تبقيك على اطلاع، أو وقّعتَ باسم منظمة.
privacy-gist-until-delivery = في هذه الرسالة يحتفظ { $site } بعنوان بريدك الإلكتروني حتى تسليمها، ويمحوه بعد { $days ->
        [zero] { $days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    } من إغلاقها أو تسليمها (ولا يبقى أطول من ذلك إلا إذا طلبتَ المستجدات، أو سمحتَ لمنظمة عضو بأن تبقيك على اطلاع، أو وقّعتَ باسم منظمة).
privacy-gist-organization = يحتفظ { $site } بعنوان بريدك الإلكتروني بصفته جهة اتصال المنظمة ما دام توقيعها قائمًا، ولا ينشره أبدًا.
privacy-gist-link = ما الذي نحتفظ به، وإلى متى، ومن يراه
privacy-delivery-erased-on = { $letter } (تُمحى عناوين موقّعيها في { $date })
myself-privacy-see-all = لترى كل رسالة وقّع عليها عنوانك، وما نحتفظ به عنه ولماذا، ولتسحب أيًّا منها، اطلب ذلك من { $page }: نرسل القائمة إلى ذلك العنوان.
