//! The files in deploy/ agree with each other and with DEPLOYMENT.md, as an operator who
//! follows them relies on: the unit sets nothing behind the configuration file's back, what
//! it names is installed, the configuration file loads and points at the address nginx
//! proxies to, and the container's nginx gets the proxy settings it includes. (nginx itself
//! runs these files in rolling_restart.rs.)

use std::path::{Path, PathBuf};

fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap_or_else(|error| panic!("read {name}: {error}"))
}

#[test]
fn the_unit_sets_nothing_of_its_own_and_names_what_is_installed() {
    let unit = read("deploy/undersigned.service");
    let deployment = read("DEPLOYMENT.md");
    let settings: Vec<&str> = unit
        .lines()
        .filter(|line| line.starts_with("Environment="))
        .collect();
    assert!(
        settings.is_empty(),
        "the unit overrides the configuration file operators edit: {settings:?}"
    );
    assert!(unit.contains(
        "ExecStart=/usr/local/bin/undersigned --config /etc/undersigned/undersigned.toml serve"
    ));
    // Each file the unit names is installed by the steps in its header and in DEPLOYMENT.md.
    for (named, installed) in [
        (
            "Documentation=file:///usr/share/doc/undersigned/DEPLOYMENT.md",
            "install -D -m 0644 DEPLOYMENT.md /usr/share/doc/undersigned/DEPLOYMENT.md",
        ),
        (
            "--config /etc/undersigned/undersigned.toml",
            "install -m 0644 deploy/undersigned.toml /etc/undersigned/undersigned.toml",
        ),
        (
            "EnvironmentFile=-/etc/undersigned/undersigned.env",
            "install -m 0600 /dev/null /etc/undersigned/undersigned.env",
        ),
    ] {
        assert!(unit.contains(named), "the unit no longer says {named:?}");
        assert!(
            unit.contains(installed),
            "the unit's header does not install what it names: {installed:?}"
        );
        assert!(
            deployment.contains(installed),
            "DEPLOYMENT.md does not install what the unit names: {installed:?}"
        );
    }
}

#[test]
fn the_configuration_file_loads_with_absolute_paths_and_the_address_nginx_proxies_to() {
    let file = path("deploy/undersigned.toml");
    let settings = undersigned::config::Settings::load(Some(&file))
        .unwrap_or_else(|error| panic!("deploy/undersigned.toml is refused: {error}"));
    let bind = settings.server.bind.to_string();
    assert!(
        read("deploy/nginx-debian.conf").contains(&format!("server {bind} ")),
        "nginx-debian.conf does not proxy to the address deploy/undersigned.toml binds ({bind})"
    );
    // The command line reads this file from any directory: no path in it may be relative.
    let written: toml::Table = read("deploy/undersigned.toml")
        .parse()
        .expect("deploy/undersigned.toml is TOML");
    assert!(
        written["database"]["url"]
            .as_str()
            .is_some_and(|url| url.starts_with("sqlite:///var/lib/undersigned/")),
        "{:?}",
        written["database"]
    );
    assert!(
        written["mail"]["file_dir"]
            .as_str()
            .is_some_and(|directory| directory.starts_with("/var/lib/undersigned/")),
        "{:?}",
        written["mail"]
    );
}

#[test]
fn the_container_nginx_gets_the_proxy_settings_it_includes() {
    let compose = read("deploy/compose.yaml");
    let nginx = read("deploy/nginx.conf");
    assert!(nginx.contains("include /etc/nginx/undersigned-proxy.conf;"));
    assert!(compose.contains("./nginx-proxy.conf:/etc/nginx/undersigned-proxy.conf:ro"));
    assert!(compose.contains("./nginx.conf:/etc/nginx/nginx.conf:ro"));
}
