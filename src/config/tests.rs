//! The settings' checks: defaults, wrong values named by their key.

use super::*;

#[test]
fn defaults_are_valid_and_embedded() {
    let settings = Settings::defaults_with(&[]).expect("defaults load");
    assert_eq!(settings.server.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(settings.mail.transport, MailTransportKind::File);
    assert!(settings.database.url.starts_with("sqlite://data/"));
}

#[test]
fn console_sessions_and_metrics_settings() {
    let settings = Settings::defaults_with(&[]).expect("defaults load");
    assert_eq!(settings.staff.session_idle_hours, 8);
    assert_eq!(settings.staff.session_max_hours, 24);
    assert!(settings.server.metrics_token.is_empty());
    assert_eq!(settings.server.metrics_bind, None);
    let settings = Settings::defaults_with(&[("server.metrics_bind", "127.0.0.1:9100".into())])
        .expect("a metrics address");
    assert_eq!(
        settings.server.metrics_bind.map(|address| address.port()),
        Some(9100)
    );
    let error = Settings::defaults_with(&[
        ("staff.session_idle_hours", "48".into()),
        ("staff.session_max_hours", "24".into()),
    ])
    .expect_err("idle longer than the whole session is refused");
    assert!(
        error.to_string().contains("staff.session_max_hours"),
        "{error}"
    );
}

#[test]
fn a_wrong_setting_names_its_key() {
    let error = Settings::defaults_with(&[("server.bind", "not an address".into())])
        .expect_err("bad bind is refused");
    assert!(error.to_string().contains("server.bind"), "{error}");
    let error = Settings::defaults_with(&[("mail.transport", "pigeon".into())])
        .expect_err("bad transport is refused");
    assert!(error.to_string().contains("mail.transport"), "{error}");
    let error = Settings::defaults_with(&[("mail.transport", "smtp".into())])
        .expect_err("smtp without url is refused");
    assert!(error.to_string().contains("mail.smtp_url"), "{error}");
}

#[test]
fn site_settings_are_checked_and_name_the_key() {
    let settings = Settings::defaults_with(&[]).expect("defaults load");
    assert_eq!(settings.site.name, "undersigned");
    assert_eq!(settings.mail.from, "undersigned <letters@localhost>");
    for (key, value) in [
        ("site.accent_color", "red"),
        ("site.accent_color", "#12345g"),
        ("site.logo", "../secret.png"),
        ("site.logo", "http://insecure.example/logo.png"),
        ("site.contact", "not an address"),
        ("site.privacy", "http://insecure.example/privacy"),
        ("site.name", "   "),
        ("site.name", "two\nlines"),
        ("site.date_style", "roman"),
    ] {
        let error = Settings::defaults_with(&[(key, value.into())])
            .expect_err("a wrong [site] value is refused");
        assert!(error.to_string().contains(key), "{key}={value:?}: {error}");
    }
    let settings = Settings::defaults_with(&[
        ("site.name", "Friends, \"Protest\"".into()),
        ("site.accent_color", "#336699".into()),
        ("site.logo", "img/logo.svg".into()),
        ("mail.from", "letters@example.org".into()),
    ])
    .expect("a custom site");
    assert_eq!(
        settings.site.logo_url().as_deref(),
        Some("/assets/img/logo.svg")
    );
    assert_eq!(settings.site.accent_dark(), "#274f77");
    let from: lettre::message::Mailbox = settings.mail.from.parse().expect("a mailbox");
    assert_eq!(from.name.as_deref(), Some("Friends, \"Protest\""));
    let kept = Settings::defaults_with(&[("mail.from", "Coalition <a@example.org>".into())])
        .expect("a named sender");
    assert_eq!(kept.mail.from, "Coalition <a@example.org>");
}

#[test]
fn embed_origins_are_bare_origins() {
    let settings = Settings::defaults_with(&[]).expect("defaults load");
    assert_eq!(settings.embed.frame_ancestors(), "'none'");
    let settings = Settings::defaults_with(&[(
        "embed.allowed_origins",
        "[\"https://members.example.org\", \"http://localhost:8000\"]".into(),
    )])
    .expect("two origins");
    assert_eq!(
        settings.embed.frame_ancestors(),
        "https://members.example.org http://localhost:8000"
    );
    for bad in [
        "https://members.example.org; script-src *",
        "https://a.example.org https://b.example.org",
        "'self'",
        "*",
        "https://a.example.org,https://b.example.org",
        "https://members.example.org/path",
        "https://members.example.org/",
        "https://user@members.example.org",
        "javascript://members.example.org",
        "members.example.org",
        "https://Members.example.org",
        "",
    ] {
        let error = Settings::defaults_with(&[(
            "embed.allowed_origins",
            format!("[{}]", serde_json::to_string(bad).expect("a JSON string")),
        )])
        .expect_err("a bad origin is refused");
        assert!(
            error.to_string().contains("embed.allowed_origins"),
            "{bad:?}: {error}"
        );
    }
}
