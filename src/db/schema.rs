// Written to match migrations/{sqlite,postgres}; only types both backends share.

diesel::table! {
    letters (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        addressee -> Text,
        summary -> Text,
        body_markdown -> Text,
        body_html -> Text,
        content_hash -> Text,
        status -> Text,
        goal -> Nullable<BigInt>,
        opens_at -> Nullable<Timestamp>,
        closes_at -> Nullable<Timestamp>,
        accepts_individuals -> Bool,
        accepts_organizations -> Bool,
        organizations_need_approval -> Bool,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        invites_skip_approval -> Bool,
        closed_at -> Nullable<Timestamp>,
        show_partner_tally -> Bool,
        lang -> Text,
        comments -> Bool,
        keep_addresses_until_delivery -> Bool,
    }
}

diesel::table! {
    letter_translations (letter_id, lang) {
        letter_id -> Text,
        lang -> Text,
        title -> Text,
        addressee -> Text,
        summary -> Text,
        body_markdown -> Text,
        body_html -> Text,
        content_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    letter_versions (id) {
        id -> Text,
        letter_id -> Text,
        content_hash -> Text,
        title -> Text,
        body_markdown -> Text,
        created_at -> Timestamp,
        lang -> Text,
    }
}

diesel::table! {
    signatures (id) {
        id -> Text,
        letter_id -> Text,
        kind -> Text,
        state -> Text,
        name -> Text,
        email -> Text,
        email_normalized -> Text,
        organization -> Nullable<Text>,
        organization_normalized -> Nullable<Text>,
        title -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        comment -> Nullable<Text>,
        website -> Nullable<Text>,
        public -> Bool,
        content_hash -> Text,
        created_at -> Timestamp,
        verified_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        rejected_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        invite_id -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        rejected_by -> Nullable<Text>,
        list_position -> Nullable<Integer>,
        hidden_reason -> Nullable<Text>,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<Text>,
        removed_reason -> Nullable<Text>,
        updates -> Bool,
        via_member_id -> Nullable<Text>,
        share_with_member -> Bool,
        lang -> Nullable<Text>,
        comment_hidden_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tokens (id) {
        id -> Text,
        token_hash -> Text,
        purpose -> Text,
        signature_id -> Nullable<Text>,
        letter_id -> Nullable<Text>,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        invite_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// Declared by (signature, withdraw digest) for diesel; the database has only an index on
    /// the signature (see the `signature_tokens` migration).
    signature_tokens (signature_id, withdraw_digest) {
        withdraw_expires_at -> Timestamp,
        verify_expires_at -> Nullable<Timestamp>,
        verify_used_at -> Nullable<Timestamp>,
        withdraw_used_at -> Nullable<Timestamp>,
        signature_id -> Text,
        withdraw_digest -> Binary,
        verify_digest -> Nullable<Binary>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        message_id -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        state -> Text,
        signature_id -> Nullable<Text>,
        recipient_key -> Text,
        kind -> Nullable<Text>,
        params -> Nullable<Text>,
        update_id -> Nullable<Text>,
    }
}

diesel::table! {
    updates (id) {
        id -> Text,
        letter_id -> Text,
        subject -> Text,
        body_markdown -> Text,
        body_html -> Text,
        state -> Text,
        public_base -> Text,
        source_hash -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        sending_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        queue_cursor -> Text,
        queue_locked_until -> Nullable<Timestamp>,
        queued -> BigInt,
        seq -> BigInt,
        legacy_message_ids -> Bool,
    }
}

diesel::table! {
    update_translations (update_id, lang) {
        update_id -> Text,
        lang -> Text,
        subject -> Text,
        body_markdown -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    update_unsubscribes (letter_id, email_normalized) {
        letter_id -> Text,
        email_normalized -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    members (id) {
        id -> Text,
        name -> Text,
        name_normalized -> Text,
        email -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        code -> Text,
        lang -> Nullable<Text>,
        logo_url -> Nullable<Text>,
    }
}

diesel::table! {
    invites (id) {
        id -> Text,
        letter_id -> Text,
        member_id -> Text,
        created_at -> Timestamp,
        last_sent_at -> Timestamp,
        send_count -> Integer,
        signature_id -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff_users (id) {
        id -> Text,
        email -> Text,
        email_normalized -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff_sessions (id) {
        id -> Text,
        token_hash -> Text,
        staff_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        staff_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        /// `counts`, `export` or `manage` (`staff::api_tokens::Scope`).
        scope -> Text,
        /// NULL for a token the release before made: 90 days after `created_at`.
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        staff_id -> Nullable<Text>,
        staff_email -> Text,
        action -> Text,
        letter_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    instance_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        account -> Text,
        address -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    /// Confirmed signatures per letter, kind, state and listing, kept by triggers on
    /// `signatures` (migrations/*/2026-12-01-000001_signature_tallies); never written here.
    signature_tallies (letter_id, kind, state, public) {
        letter_id -> Text,
        kind -> Text,
        state -> Text,
        public -> Bool,
        count -> BigInt,
    }
}

diesel::table! {
    /// Personal download links for a member's contact (src/partners.rs).
    partner_links (id) {
        id -> Text,
        token_hash -> Text,
        letter_id -> Text,
        member_id -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_downloaded_at -> Nullable<Timestamp>,
        sent_to -> Nullable<Text>,
    }
}

diesel::table! {
    /// A letter marked delivered to its addressee (src/letters/delivered.rs).
    letter_deliveries (letter_id) {
        letter_id -> Text,
        delivered_on -> Date,
        delivered_note -> Text,
        delivered_link -> Nullable<Text>,
        update_id -> Nullable<Text>,
        marked_by -> Text,
        marked_at -> Timestamp,
    }
}

diesel::joinable!(letter_versions -> letters (letter_id));
diesel::joinable!(letter_deliveries -> letters (letter_id));
diesel::joinable!(letter_translations -> letters (letter_id));
diesel::joinable!(signatures -> letters (letter_id));
diesel::joinable!(tokens -> signatures (signature_id));
diesel::joinable!(signature_tokens -> signatures (signature_id));
diesel::joinable!(updates -> letters (letter_id));
diesel::joinable!(update_translations -> updates (update_id));

diesel::joinable!(invites -> members (member_id));
diesel::joinable!(staff_sessions -> staff_users (staff_id));
diesel::joinable!(api_tokens -> staff_users (staff_id));

diesel::allow_tables_to_appear_in_same_query!(
    letters,
    letter_versions,
    letter_translations,
    signatures,
    signature_tallies,
    tokens,
    signature_tokens,
    outbox,
    members,
    invites,
    staff_users,
    staff_sessions,
    api_tokens,
    audit_log,
    partner_links,
    updates,
    update_translations,
    update_unsubscribes
);
