//! `erfa user`: accounts from the command line.

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use erfa_accounts::{Accounts, Role, TokenKind};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account. The password is asked twice, or read from standard input.
    Add {
        /// Login name (letters, digits, `.`, `-`, `_`, `@`).
        name: String,
        /// What the account may do.
        #[arg(long, value_enum, default_value_t = RoleArg::Member)]
        role: RoleArg,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts and their roles.
    List,
    /// Remove an account, with its sessions and tokens.
    Remove {
        /// Login name.
        name: String,
    },
    /// Set a new password (ends the account's sessions).
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
        #[arg(long)]
        feed: bool,
    },
    /// Revoke every token of an account and end its sessions (offboarding).
    Revoke {
        /// Login name.
        name: String,
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
    match args.command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let password = password(password_stdin)?;
            let user = accounts.add_user(&name, role.into(), &password)?;
            accounts.audit("cli", "user add", &name)?;
            println!("added {} ({})", user.name, user.role.as_str());
        }
        UserCommand::List => {
            let users = accounts.users()?;
            if users.is_empty() {
                println!(
                    "no accounts yet; add the first with `erfa user add NAME --role facilitator`"
                );
            }
            for user in users {
                println!("{:<32} {}", user.name, user.role.as_str());
            }
        }
        UserCommand::Remove { name } => {
            accounts.remove_user(&name)?;
            accounts.audit("cli", "user remove", &name)?;
            println!("removed {name}");
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let password = password(password_stdin)?;
            accounts.set_password(&name, &password)?;
            accounts.audit("cli", "user passwd", &name)?;
            println!("password changed for {name}; their sessions have ended");
        }
        UserCommand::Role { name, role } => {
            accounts.set_role(&name, role.into())?;
            accounts.audit("cli", "user role", &name)?;
            println!("{name} is now {}", Role::from(role).as_str());
        }
        UserCommand::Token { name, feed } => {
            let kind = if feed {
                TokenKind::Feed
            } else {
                TokenKind::Api
            };
            let token = accounts.create_token(&name, kind)?;
            accounts.audit("cli", "user token", &name)?;
            println!("{token}");
            eprintln!(
                "keep it secret: it is shown only once; revoke with `erfa user revoke {name}`"
            );
        }
        UserCommand::Revoke { name } => {
            accounts.revoke(&name)?;
            accounts.audit("cli", "user revoke", &name)?;
            println!("revoked every token of {name} and ended their sessions");
        }
    }
    Ok(ExitCode::SUCCESS)
}
