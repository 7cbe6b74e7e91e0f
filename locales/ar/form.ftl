i-sign = أوقّع
as-person = بصفتي الشخصية
for-organization = باسم منظمة
your-name = اسمك
name-hint-unknown = (للمنظمة: الشخص الذي يوقّع باسمها)
name-of-signer = اسم الشخص الموقّع
email-hint = (للتأكيد؛ لا يُعرض أبدًا)
organization-label = المنظمة
organization-hint-unknown = (مطلوبة عند التوقيع باسم منظمة؛ وإلا فجهة انتمائك، اختياري)
organization-hint-person = (جهة انتمائك، اختياري)
title-label = الصفة أو المنصب
optional = (اختياري)
city-label = المدينة
country-label = البلد
website-label = الموقع الإلكتروني
website-hint-unknown = (للمنظمات فقط، اختياري)
comment-label = تعليق
list-publicly = اعرض اسمي علنًا
list-publicly-hint = يظهر عندئذ اسمك ومنظمتك وصفتك ومدينتك وبلدك وتعليقك على صفحة الرسالة وفي قائمة الموقّعين. دون تحديد هذا الخيار، يُحتسب توقيعك ولا يُعرض.
    .fields = name organization title city country comment
keep-updated = أبقوني على اطلاع بمستجدات هذه الرسالة
partner-informed = اسمحوا لـ{ $partner } بإبقائي على اطلاع
honeypot-label = اترك هذا الحقل فارغًا
problem-heading = هناك مشكلة
correct-fields = يُرجى تصحيح الحقول المحدّدة أدناه.
press-again = يُرجى مراجعة بياناتك والضغط على «وقّع» مجددًا.
slow-down = وقّع كثيرون للتوّ من شبكتك. انتظر دقيقة، ثم اضغط «وقّع» مجددًا: بياناتك محفوظة أدناه.
check-address = يُرجى التحقق من العنوان والضغط على الزر مجددًا.
error-choose-kind = اختر إن كنت توقّع بصفتك الشخصية أو باسم منظمة.
error-organizations-only = توقّع على هذه الرسالة المنظمات فقط.
error-individuals-only = يوقّع على هذه الرسالة الأفراد فقط.
error-enter-name = أدخل اسمك.
error-enter-organization = أدخل اسم المنظمة.
error-enter-email = أدخل عنوان بريدك الإلكتروني.
error-email-too-long = عنوان البريد الإلكتروني هذا طويل جدًا.
error-email-invalid = أدخل عنوان بريد إلكتروني مثل name@example.org.
error-blocked-domain = لا تُقبل التوقيعات من نطاق البريد هذا. يُرجى استخدام عنوان آخر.
error-empty = لا يمكن ترك هذا فارغًا.
error-too-long =
    { $count ->
        [zero] لا تستخدم أي حرف.
        [one] استخدم حرفًا واحدًا على الأكثر.
        [two] استخدم حرفين على الأكثر.
        [few] استخدم { $count } أحرف على الأكثر.
        [many] استخدم { $count } حرفًا على الأكثر.
       *[other] استخدم { $count } حرف على الأكثر.
    }
error-line-break = اكتب هذا في سطر واحد.
error-separator = استخدم فواصل أسطر عادية، لا فواصل الأسطر أو الفقرات الخاصة في يونيكود.
error-control = يحتوي هذا على محارف غير مسموح بها: محارف تحكّم مثل NUL أو escape.
error-direction = يحتوي هذا على محارف غير مسموح بها: محارف غير مرئية تغيّر اتجاه النص.
error-invisible = يحتوي هذا على محارف غير مسموح بها: محارف تنسيق غير مرئية مثل المسافات صفرية العرض.
error-unsupported = يحتوي هذا على محارف غير مسموح بها: محارف للاستخدام الخاص أو غير معرّفة، تظهر مربعات أو لا تظهر إطلاقًا.
error-marks = علامات تشكيل كثيرة جدًا فوق حرف واحد.
error-no-letter = استخدم حرفًا أو رقمًا واحدًا على الأقل.
error-web-address = أدخل عنوان موقع مثل https://example.org.
# listing: the sign form's words for an organization.
listing-org-name = اسم المنظمة
listing-list-your-org = اعرض منظمتك علنًا بين الموقّعين
listing-add-organization = أضف منظمتنا
listing-review-up-front = يراجع فريق التحالف المنظمات قبل أن تُحتسب وتظهر على الرسالة.
