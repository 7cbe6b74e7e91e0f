//! The coalition's roster of member organizations, kept by staff.

pub mod codes;
pub mod logos;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::members;
use crate::db::{self, DbConnection};
use crate::staff::{Actor, audit};
use crate::values::email_address::EmailAddress;
use crate::values::language::LanguageTag;
use crate::values::text::{self, TextError};
use crate::values::text::{
    ORGANIZATION_MAX, WEBSITE_MAX, comparison_key as normalize_organization,
};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = members)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub name_normalized: String,
    pub email: String,
    pub website: Option<String>,
    pub created_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
    /// The member's referral code (`/letters/{slug}?via=CODE`, see `crate::partners`):
    /// given once, never changed, so links already sent keep working.
    pub code: String,
    /// The language the contact reads: invites are written in it (`crate::invites`). `None`
    /// is each letter's original language.
    pub lang: Option<LanguageTag>,
    /// An https:// address of the member's logo (`logos`).
    pub logo_url: Option<String>,
}

impl Member {
    /// The language of this member's invites to `letter_lang`: its own, else the letter's.
    pub fn reads<'a>(&'a self, letter_lang: &'a LanguageTag) -> &'a LanguageTag {
        self.lang.as_ref().unwrap_or(letter_lang)
    }
}

/// What saving a member does to its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LanguageChoice {
    /// A new member reads each letter's original; an existing one keeps its language.
    Keep,
    /// This language (`None`: each letter's original). Only a tag with an address
    /// (`LanguageTag::is_routable`) is taken: the invite link carries it.
    Set(Option<LanguageTag>),
}

#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    #[error("the member needs a name")]
    MissingName,
    /// The same text rules as a signer's name: the member's name is shown in the console, in
    /// invitation emails and in logs.
    #[error("name: {0}")]
    InvalidName(TextError),
    /// The typed address is quoted escaped, so that a control character in it cannot reach a
    /// terminal or a log line raw.
    #[error("email {0:?}: {1}")]
    InvalidEmail(String, String),
    #[error("website: {0}")]
    InvalidWebsite(TextError),
    #[error("logo: {0}")]
    InvalidLogo(String),
    /// The typed text is quoted escaped, as the email is.
    #[error("language {0:?}: not a language tag with an address, such as he, ar, en or pt-BR")]
    InvalidLanguage(String),
    #[error("no member named {0:?}")]
    Unknown(String),
    #[error("reading {path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    Added,
    /// An existing member; `revoked_links` download links sent to its previous contact
    /// stopped working, if the contact changed.
    Updated {
        revoked_links: usize,
    },
}

/// Adds a member, or updates the contact of the live member with the same name (any case or
/// spacing). Audited as `member.add`.
pub fn upsert(
    connection: &mut DbConnection,
    name: &str,
    email: &str,
    website: Option<&str>,
    lang: &LanguageChoice,
    actor: &Actor,
) -> Result<Saved, MemberError> {
    db::write_transaction(connection, |connection| {
        let saved = save(connection, name, email, website, lang, actor)?;
        let mut detail = match saved {
            Saved::Added => format!("added, contact {}", email.trim()),
            Saved::Updated { .. } => format!("contact updated to {}", email.trim()),
        };
        if let LanguageChoice::Set(lang) = lang {
            detail.push_str(&format!(
                ", language {}",
                lang.as_deref().unwrap_or("the letter's original")
            ));
        }
        audit::record(
            connection,
            actor,
            "member.add",
            None,
            Some(name.trim()),
            &detail,
        )?;
        Ok(saved)
    })
}

/// Adds or updates one member: `upsert` and `import_rows` record what they did; the download
/// links a contact change revokes are recorded here, one entry each.
fn save(
    connection: &mut DbConnection,
    name: &str,
    email: &str,
    website: Option<&str>,
    lang: &LanguageChoice,
    actor: &Actor,
) -> Result<Saved, MemberError> {
    if let LanguageChoice::Set(Some(tag)) = lang
        && !tag.is_routable()
    {
        return Err(MemberError::InvalidLanguage(tag.as_str()));
    }
    let name = match text::required_line(name, ORGANIZATION_MAX) {
        Ok(name) => name,
        Err(TextError::Empty) => return Err(MemberError::MissingName),
        Err(problem) => return Err(MemberError::InvalidName(problem)),
    };
    let email = EmailAddress::parse(email)
        .map_err(|error| MemberError::InvalidEmail(email.to_owned(), error.to_string()))?;
    let website = text::web_address(website.unwrap_or(""), WEBSITE_MAX)
        .map_err(MemberError::InvalidWebsite)?;
    let normalized = normalize_organization(&name);
    db::write_transaction(connection, |connection| {
        let existing = find_by_name(connection, &name)?;
        match existing {
            Some(member) => {
                diesel::update(members::table.find(&member.id))
                    .set((
                        members::name.eq(&name),
                        members::email.eq(email.as_str()),
                        members::website.eq(website.as_deref()),
                    ))
                    .execute(connection)?;
                if let LanguageChoice::Set(lang) = lang {
                    diesel::update(members::table.find(&member.id))
                        .set(members::lang.eq(lang))
                        .execute(connection)?;
                }
                let revoked_links = if member.email != email.as_str() {
                    revoke_links_of(connection, &member, email.as_str(), actor)?
                } else {
                    0
                };
                Ok(Saved::Updated { revoked_links })
            }
            None => {
                // A new code that another member already holds (about one chance in 10^10
                // per member) is drawn again, inside a savepoint so the transaction goes on.
                let mut attempts = 0;
                loop {
                    attempts += 1;
                    let inserted = db::write_transaction(connection, |connection| {
                        diesel::insert_into(members::table)
                            .values((
                                members::id.eq(db::new_id()),
                                members::name.eq(&name),
                                members::name_normalized.eq(&normalized),
                                members::email.eq(email.as_str()),
                                members::website.eq(website.as_deref()),
                                members::created_at.eq(db::now()),
                                members::code.eq(codes::new_code()),
                                members::lang.eq(match lang {
                                    LanguageChoice::Set(lang) => lang.as_ref(),
                                    LanguageChoice::Keep => None,
                                }),
                            ))
                            .execute(connection)
                    });
                    match inserted {
                        Err(error) if db::is_unique_violation(&error) && attempts < 5 => continue,
                        other => {
                            other?;
                            break;
                        }
                    }
                }
                Ok(Saved::Added)
            }
        }
    })
}

/// A download link of a member's signers (`crate::partners::links`) was emailed to the
/// contact of the day; once staff give the member another contact, the person behind the old
/// address (who may have left the organization) must not keep downloading. Revokes every live
/// link of `member`, each recorded as `partner_link.revoke` with the address it went to, and
/// says how many. The
/// table is written here, below `partners`, so that every way of changing a contact (command
/// line, console, CSV import) does it in the same transaction as the change.
fn revoke_links_of(
    connection: &mut DbConnection,
    member: &Member,
    new_contact: &str,
    actor: &Actor,
) -> Result<usize, diesel::result::Error> {
    use crate::db::schema::partner_links;
    let now = db::now();
    let live: Vec<(String, String, Option<String>)> = partner_links::table
        .filter(partner_links::member_id.eq(&member.id))
        .filter(partner_links::revoked_at.is_null())
        .filter(partner_links::expires_at.gt(now))
        .select((
            partner_links::id,
            partner_links::letter_id,
            partner_links::sent_to,
        ))
        .load(connection)?;
    let mut count = 0;
    for (id, letter_id, sent_to) in live {
        let revoked = diesel::update(
            partner_links::table
                .find(&id)
                .filter(partner_links::revoked_at.is_null()),
        )
        .set(partner_links::revoked_at.eq(now))
        .execute(connection)?;
        if revoked == 0 {
            continue;
        }
        audit::record(
            connection,
            actor,
            "partner_link.revoke",
            Some(&letter_id),
            Some(&member.name),
            &format!(
                "download link {id} (sent to {}) revoked: the member's contact changed to {new_contact}",
                sent_to.as_deref().unwrap_or(&member.email)
            ),
        )?;
        count += 1;
    }
    Ok(count)
}

pub fn find_by_name(
    connection: &mut DbConnection,
    name: &str,
) -> Result<Option<Member>, diesel::result::Error> {
    members::table
        .filter(members::name_normalized.eq(normalize_organization(name)))
        .filter(members::removed_at.is_null())
        .select(Member::as_select())
        .first(connection)
        .optional()
}

pub fn list(connection: &mut DbConnection) -> Result<Vec<Member>, diesel::result::Error> {
    members::table
        .filter(members::removed_at.is_null())
        .order(members::name_normalized.asc())
        .select(Member::as_select())
        .load(connection)
}

/// Takes a member off the roster; past invites and signatures stay as they were. Audited as
/// `member.remove`.
pub fn remove(connection: &mut DbConnection, name: &str, actor: &Actor) -> Result<(), MemberError> {
    db::write_transaction(connection, |connection| {
        let member =
            find_by_name(connection, name)?.ok_or_else(|| MemberError::Unknown(name.to_owned()))?;
        diesel::update(members::table.find(&member.id))
            .set(members::removed_at.eq(db::now()))
            .execute(connection)?;
        audit::record(
            connection,
            actor,
            "member.remove",
            None,
            Some(&member.name),
            &member.email,
        )?;
        Ok(())
    })
}

/// Reads a CSV file with the columns `name`, `email` and optionally `website` and `lang` (a
/// header row is required; an empty `lang` is the letter's original, no `lang` column keeps
/// each member's language) and upserts every row. Nothing is saved if any row is invalid. Audited as one
/// `member.import`.
pub fn import_csv(
    connection: &mut DbConnection,
    path: &std::path::Path,
    actor: &Actor,
) -> Result<(usize, usize), MemberError> {
    let text = std::fs::read_to_string(path).map_err(|error| MemberError::File {
        path: path.display().to_string(),
        message: error.to_string(),
    })?;
    import_rows(connection, &text, &path.display().to_string(), actor)
}

/// The same, for CSV text pasted into the console.
pub fn import_csv_text(
    connection: &mut DbConnection,
    text: &str,
    actor: &Actor,
) -> Result<(usize, usize), MemberError> {
    import_rows(connection, text, "the pasted CSV", actor)
}

fn import_rows(
    connection: &mut DbConnection,
    text: &str,
    source: &str,
    actor: &Actor,
) -> Result<(usize, usize), MemberError> {
    let file_error = |message: String| MemberError::File {
        path: source.to_owned(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| file_error(error.to_string()))?
        .clone();
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(wanted))
    };
    let (Some(name_column), Some(email_column)) = (column("name"), column("email")) else {
        return Err(file_error(
            "the header row must name the columns name and email".into(),
        ));
    };
    let website_column = column("website");
    let lang_column = column("lang").or_else(|| column("language"));
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| file_error(error.to_string()))?;
        let line = index + 2;
        let field = |column: usize| record.get(column).unwrap_or("").to_owned();
        let lang = match lang_column.map(field) {
            None => LanguageChoice::Keep,
            Some(text) if text.trim().is_empty() => LanguageChoice::Set(None),
            Some(text) => match LanguageTag::parse_routable(&text) {
                Some(tag) => LanguageChoice::Set(Some(tag)),
                None => {
                    let problem = MemberError::InvalidLanguage(text);
                    return Err(file_error(format!("line {line}: {problem}")));
                }
            },
        };
        rows.push((
            line,
            field(name_column),
            field(email_column),
            website_column.map(field),
            lang,
        ));
    }
    db::write_transaction(connection, |connection| {
        let (mut added, mut updated) = (0, 0);
        for (line, name, email, website, lang) in &rows {
            match save(connection, name, email, website.as_deref(), lang, actor) {
                Ok(Saved::Added) => added += 1,
                Ok(Saved::Updated { .. }) => updated += 1,
                Err(MemberError::Database(error)) => return Err(MemberError::Database(error)),
                Err(error) => return Err(file_error(format!("line {line}: {error}"))),
            }
        }
        audit::record(
            connection,
            actor,
            "member.import",
            None,
            None,
            &format!("{added} added, {updated} updated"),
        )?;
        Ok((added, updated))
    })
}

/// The name of the member with this id, removed or not (what a signature that came through
/// its link shows staff).
pub fn name_of(
    connection: &mut DbConnection,
    id: &str,
) -> Result<Option<String>, diesel::result::Error> {
    members::table
        .find(id)
        .select(members::name)
        .first(connection)
        .optional()
}

/// The live member with this id.
pub fn find_live_by_id(
    connection: &mut DbConnection,
    id: &str,
) -> Result<Option<Member>, diesel::result::Error> {
    members::table
        .find(id)
        .filter(members::removed_at.is_null())
        .select(Member::as_select())
        .first(connection)
        .optional()
}

/// Recomputes the stored comparison keys of organization names (roster and organization
/// signatures) after the key's definition changed, so that names stored before still match
/// the names typed now. Cheap and idempotent: only rows whose key differs are written. A live
/// member whose new key another live member already holds keeps its old key (the roster's
/// unique index allows one live member per key) and is returned for staff to merge.
pub fn rekey_organization_names(
    connection: &mut DbConnection,
) -> Result<Vec<String>, diesel::result::Error> {
    use crate::db::schema::signatures;
    db::write_transaction(connection, |connection| {
        let organizations: Vec<(String, Option<String>, Option<String>)> = signatures::table
            .filter(signatures::organization.is_not_null())
            .select((
                signatures::id,
                signatures::organization,
                signatures::organization_normalized,
            ))
            .load(connection)?;
        for (id, organization, stored) in organizations {
            let key = organization.as_deref().map(normalize_organization);
            if key != stored {
                // Two confirmed sign-ons that only now read as one organization: the unique
                // index refuses the second key, which keeps its old one for staff to see.
                let updated = db::write_transaction(connection, |connection| {
                    diesel::update(signatures::table.find(&id))
                        .set(signatures::organization_normalized.eq(&key))
                        .execute(connection)
                });
                match updated {
                    Err(error) if db::is_unique_violation(&error) => {
                        tracing::warn!(signature = %id, "organization key not changed: another confirmed sign-on holds it");
                    }
                    other => {
                        other?;
                    }
                }
            }
        }
        let roster = members::table
            .select(Member::as_select())
            .load(connection)?;
        let mut held: std::collections::HashSet<String> = roster
            .iter()
            .filter(|member| member.removed_at.is_none())
            .map(|member| member.name_normalized.clone())
            .collect();
        let mut clashes = Vec::new();
        for member in roster {
            let key = normalize_organization(&member.name);
            if key == member.name_normalized {
                continue;
            }
            if member.removed_at.is_none() {
                if held.contains(&key) {
                    clashes.push(member.name);
                    continue;
                }
                held.remove(&member.name_normalized);
                held.insert(key.clone());
            }
            diesel::update(members::table.find(&member.id))
                .set(members::name_normalized.eq(key))
                .execute(connection)?;
        }
        Ok(clashes)
    })
}
