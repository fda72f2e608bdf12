//! `erfa user`: accounts from the command line.

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use erfa_accounts::{Accounts, Actor, Role, TokenKind, User, check_name, name_fits};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account. The password is asked twice, or read from standard input.
    Add {
        /// Login name: the letters a–z, æ, ø and å, the digits 0–9, and `.`, `-`, `_` and
        /// `@`; capital letters are stored as small ones.
        name: String,
        /// What the account may do.
        #[arg(long, value_enum, default_value_t = RoleArg::Member)]
        role: RoleArg,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts, one per line: name, role, then `locked` for a locked account
    /// and a hint for a name that does not fit today's login-name rules.
    List,
    /// Remove an account (offboarding): its sessions, API tokens, feed addresses and
    /// one-time links end at once, and a new account of the same name starts empty.
    Remove {
        /// Login name.
        name: String,
    },
    /// Set a new password; the account's sessions and outstanding password-reset links
    /// end.
    Passwd {
        /// Login name.
        name: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an account's role; it applies from the account's next request.
    Role {
        /// Login name.
        name: String,
        /// The new role.
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Print a new personal API token (for `Authorization: Bearer …`); shown only once.
    Token {
        /// Login name.
        name: String,
        /// A token for the personal Atom feed instead of the API.
        #[arg(long, conflicts_with = "metrics")]
        feed: bool,
        /// A token that reads `/metrics` and nothing else, for a monitoring system's
        /// scraper; only for a facilitator's account, and it ends with their role.
        #[arg(long)]
        metrics: bool,
    },
    /// Lock an account (offboarding that keeps the account): it can no longer log in, by
    /// password or single sign-on; its sessions end and its API tokens, feed addresses and
    /// one-time links stop working at once. `erfa user unlock` opens it again, without
    /// the old tokens and feed addresses.
    Revoke {
        /// Login name.
        name: String,
    },
    /// Unlock an account locked by `erfa user revoke`: it logs in with its password
    /// again.
    Unlock {
        /// Login name.
        name: String,
    },
    /// Print everything erfa's database holds about a person as JSON: the account,
    /// session dates, tokens (their kind and date, never the secret), submissions,
    /// signals, flags, "did not help us", meeting topics, votes and comments, and the
    /// audit entries by or about them. Write-ups that name them in `content/` are files
    /// the group keeps; look for the name there too.
    Export {
        /// Login name.
        name: String,
    },
    /// Erase a person: the account, its sessions, tokens and links go, and their name is
    /// replaced by the pseudonym `erased-<id>` in the audit log and other records; what
    /// they contributed stays without their name. Asks first when standard input is a
    /// terminal; `--yes` (or a script) skips the question. Cannot be undone, and cannot
    /// rewrite copies elsewhere: backups, and the git history of `content/` if it has one.
    Erase {
        /// Login name.
        #[arg(required_unless_present = "id")]
        name: Option<String>,
        /// The account id instead of the name: for a person whose account was already
        /// removed (the audit log keeps names until they are erased).
        #[arg(long, value_name = "N", conflicts_with = "name")]
        id: Option<i64>,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Give an account a new login name (it must fit the rules of `erfa user add`); its
    /// password, role, sessions, tokens and submissions stay with it.
    Rename {
        /// The current login name.
        name: String,
        /// The new login name.
        new_name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Member,
    Contributor,
    Facilitator,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Member => Role::Member,
            RoleArg::Contributor => Role::Contributor,
            RoleArg::Facilitator => Role::Facilitator,
        }
    }
}

fn password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ").context("reading the password")?;
    let second = rpassword::prompt_password("Again: ").context("reading the password")?;
    if first != second {
        bail!("the passwords differ; nothing was changed");
    }
    Ok(first)
}

pub fn run(data: &Path, args: UserArgs) -> anyhow::Result<ExitCode> {
    let accounts = Accounts::open(data)
        .with_context(|| format!("opening the accounts in {}", data.display()))?;
    let cli = Actor::without_account("cli");
    match args.command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            // Checked before the password is asked for.
            check_name(&name)?;
            let password = password(password_stdin)?;
            let user = accounts.add_user(&name, role.into(), &password)?;
            accounts.audit_user(&cli, "user add", &user)?;
            outln!("added {} ({})", user.name, user.role.as_str());
        }
        UserCommand::List => {
            let users = accounts.users()?;
            if users.is_empty() {
                outln!(
                    "no accounts yet; add the first with `erfa user add NAME --role facilitator`"
                );
            }
            for user in users {
                outln!("{}", list_line(&user));
            }
        }
        UserCommand::Remove { name } => {
            let user = accounts.require(&name)?;
            accounts.remove_user(&user)?;
            accounts.audit_user(&cli, "user remove", &user)?;
            outln!("removed {}", user.name);
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let user = accounts.require(&name)?;
            let password = password(password_stdin)?;
            accounts.set_password(&user, &password)?;
            accounts.audit_user(&cli, "user passwd", &user)?;
            outln!(
                "password changed for {}; their sessions and reset links have ended",
                user.name
            );
        }
        UserCommand::Role { name, role } => {
            let user = accounts.require(&name)?;
            accounts.set_role(&user, role.into())?;
            accounts.audit_user(&cli, "user role", &user)?;
            outln!("{} is now {}", user.name, Role::from(role).as_str());
        }
        UserCommand::Token {
            name,
            feed,
            metrics,
        } => {
            let kind = if feed {
                TokenKind::Feed
            } else if metrics {
                TokenKind::Metrics
            } else {
                TokenKind::Api
            };
            let user = accounts.require(&name)?;
            if metrics && user.role != Role::Facilitator {
                anyhow::bail!(
                    "{} is {}: a metrics token is made for the facilitator's account (`erfa user list` shows who that is)",
                    user.name,
                    user.role.as_str()
                );
            }
            let token = accounts.create_token(&user, kind)?;
            accounts.audit_user(&cli, "user token", &user)?;
            outln!("{token}");
            eprintln!(
                "keep it secret: it is shown only once; `erfa user revoke {}` locks the account and ends all its tokens",
                user.name
            );
        }
        UserCommand::Revoke { name } => {
            let user = accounts.require(&name)?;
            accounts.lock(&user)?;
            accounts.audit_user(&cli, "user revoke", &user)?;
            outln!(
                "locked {}: no login; sessions, API tokens, feed addresses and one-time links ended",
                user.name
            );
        }
        UserCommand::Unlock { name } => {
            let user = accounts.require(&name)?;
            accounts.unlock(&user)?;
            accounts.audit_user(&cli, "user unlock", &user)?;
            outln!("unlocked {}", user.name);
        }
        UserCommand::Export { name } => {
            let user = accounts.require(&name)?;
            let data = accounts.personal_data(&user)?;
            accounts.audit_user(&cli, "user export", &user)?;
            outln!("{}", serde_json::to_string_pretty(&data)?);
        }
        UserCommand::Erase { name, id, yes } => {
            let (id, current) = match (name, id) {
                (Some(name), _) => {
                    let user = accounts.require(&name)?;
                    (user.id, Some(user.name))
                }
                (None, Some(id)) => (
                    id,
                    accounts
                        .users()?
                        .into_iter()
                        .find(|u| u.id == id)
                        .map(|u| u.name),
                ),
                (None, None) => bail!("name the person, or give --id N"),
            };
            let shown = current.clone().unwrap_or_else(|| format!("account {id}"));
            if !yes && std::io::stdin().is_terminal() {
                eprint!(
                    "Erase {shown}? Their account goes and their names are replaced in every record; this cannot be undone. Type yes to confirm: "
                );
                let mut answer = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut answer)
                    .context("reading the answer")?;
                if answer.trim() != "yes" {
                    bail!("not confirmed; nothing was changed");
                }
            }
            let pseudonym = accounts.erase_id(id, current.as_deref(), &cli)?;
            outln!("erased {shown}: the account is gone and records name them {pseudonym}");
            // Copies made before schema upgrades still hold the names.
            let copies: Vec<String> = std::fs::read_dir(data)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| n.starts_with("state.db.before-v"))
                        .collect()
                })
                .unwrap_or_default();
            if !copies.is_empty() {
                eprintln!(
                    "older copies of the database in {} still hold the names; delete them when no longer needed: {}",
                    data.display(),
                    copies.join(", ")
                );
            }
        }
        UserCommand::Rename { name, new_name } => {
            let user = accounts.require(&name)?;
            let renamed = accounts.rename(&user, &new_name)?;
            // The entry names the new name; the account id ties it to the old one.
            accounts.audit_user(&cli, "user rename", &renamed)?;
            outln!("renamed {} to {}", user.name, renamed.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of `erfa user list`: the name first, then the role; `locked`, and a hint to
/// rename a name that does not fit the rules, at the end.
fn list_line(user: &User) -> String {
    let mut line = format!("{:<32} {}", user.name, user.role.as_str());
    if user.locked {
        line.push_str(" locked");
    }
    if !name_fits(&user.name) {
        line.push_str(&format!(
            "  (this name does not fit the login-name rules; rename it: erfa user rename {:?} NEW)",
            user.name
        ));
    }
    line
}
