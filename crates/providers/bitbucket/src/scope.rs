//! Bitbucket Cloud's OAuth scopes, with their consent texts and the implications between them.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

/// One Bitbucket Cloud OAuth scope.
///
/// Bitbucket grants an OAuth consumer the permissions ticked on the consumer's settings page;
/// each permission is one of these scopes. Strings this crate does not know are kept as
/// [`Other`](Self::Other), so a scope Bitbucket adds later can be requested before this crate
/// learns about it.
///
/// ```
/// use oauth_kit_bitbucket::BitbucketScope;
///
/// let scope: BitbucketScope = "pullrequest:write".parse().unwrap_or_else(|never| match never {});
/// assert_eq!(scope, BitbucketScope::PullRequestWrite);
/// assert!(scope.implies(&BitbucketScope::Repository));
/// assert!(!BitbucketScope::RepositoryAdmin.implies(&BitbucketScope::Repository));
/// assert_eq!(BitbucketScope::parse("future:scope").as_str(), "future:scope");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BitbucketScope {
    /// `account`: read the account, including every email address. `/2.0/user` needs it.
    Account,
    /// `account:write`: modify the account (emails, username, display name, avatar).
    AccountWrite,
    /// `email`: read the primary email address. `/2.0/user/emails` needs it.
    Email,
    /// `repository`: read repositories (not their pull requests).
    Repository,
    /// `repository:write`: push to and fork repositories; implies `repository`.
    RepositoryWrite,
    /// `repository:admin`: administer repositories; implies neither `repository` nor
    /// `repository:write`.
    RepositoryAdmin,
    /// `repository:delete`: delete repositories.
    RepositoryDelete,
    /// `pullrequest`: read repositories and their pull requests; implies `repository`.
    PullRequest,
    /// `pullrequest:write`: modify pull requests; implies `pullrequest` and `repository:write`.
    PullRequestWrite,
    /// `issue`: read issues.
    Issue,
    /// `issue:write`: modify issues; implies `issue`.
    IssueWrite,
    /// `wiki`: read and modify wikis.
    Wiki,
    /// `snippet`: read snippets.
    Snippet,
    /// `snippet:write`: modify snippets; implies `snippet`.
    SnippetWrite,
    /// `webhook`: read and modify webhooks.
    Webhook,
    /// `team`: read workspace membership.
    Team,
    /// `team:write`: modify workspace membership; implies `team`.
    TeamWrite,
    /// `project`: read project settings and the repositories in those projects; implies
    /// `repository`.
    Project,
    /// `project:admin`: administer projects (it replaced `project:write` in May 2023).
    ProjectAdmin,
    /// `pipeline`: read build pipelines.
    Pipeline,
    /// `pipeline:write`: rerun build pipelines; implies `pipeline`.
    PipelineWrite,
    /// `pipeline:variable`: configure pipeline variables; implies `pipeline:write`.
    PipelineVariable,
    /// `runner`: read pipeline runners.
    Runner,
    /// `runner:write`: create, edit and delete pipeline runners; implies `runner`.
    RunnerWrite,
    /// A scope string this crate does not know, kept as given.
    Other(String),
}

/// Direct implications; [`BitbucketScope::implies`] follows them transitively.
const IMPLIES_REPOSITORY: &[BitbucketScope] = &[BitbucketScope::Repository];
const IMPLIES_PULLREQUEST_WRITE: &[BitbucketScope] =
    &[BitbucketScope::PullRequest, BitbucketScope::RepositoryWrite];
const IMPLIES_ISSUE: &[BitbucketScope] = &[BitbucketScope::Issue];
const IMPLIES_SNIPPET: &[BitbucketScope] = &[BitbucketScope::Snippet];
const IMPLIES_TEAM: &[BitbucketScope] = &[BitbucketScope::Team];
const IMPLIES_PIPELINE: &[BitbucketScope] = &[BitbucketScope::Pipeline];
const IMPLIES_PIPELINE_WRITE: &[BitbucketScope] = &[BitbucketScope::PipelineWrite];
const IMPLIES_RUNNER: &[BitbucketScope] = &[BitbucketScope::Runner];

impl BitbucketScope {
    /// Every scope this crate knows, in the order of Bitbucket's documentation.
    pub const ALL: &'static [BitbucketScope] = &[
        BitbucketScope::Account,
        BitbucketScope::AccountWrite,
        BitbucketScope::Email,
        BitbucketScope::Repository,
        BitbucketScope::RepositoryWrite,
        BitbucketScope::RepositoryAdmin,
        BitbucketScope::RepositoryDelete,
        BitbucketScope::PullRequest,
        BitbucketScope::PullRequestWrite,
        BitbucketScope::Issue,
        BitbucketScope::IssueWrite,
        BitbucketScope::Wiki,
        BitbucketScope::Snippet,
        BitbucketScope::SnippetWrite,
        BitbucketScope::Webhook,
        BitbucketScope::Team,
        BitbucketScope::TeamWrite,
        BitbucketScope::Project,
        BitbucketScope::ProjectAdmin,
        BitbucketScope::Pipeline,
        BitbucketScope::PipelineWrite,
        BitbucketScope::PipelineVariable,
        BitbucketScope::Runner,
        BitbucketScope::RunnerWrite,
    ];

    /// The scopes requested when none are configured: `account` (for `/2.0/user`) and `email`
    /// (for `/2.0/user/emails`).
    pub const DEFAULT: &'static [BitbucketScope] =
        &[BitbucketScope::Account, BitbucketScope::Email];

    /// Reads a scope string; unknown strings become [`Other`](Self::Other). Surrounding
    /// whitespace is ignored, case is not (Bitbucket's scopes are lowercase).
    pub fn parse(scope: &str) -> Self {
        let scope = scope.trim();
        Self::ALL
            .iter()
            .find(|known| known.as_str() == scope)
            .cloned()
            .unwrap_or_else(|| BitbucketScope::Other(scope.to_owned()))
    }

    /// Reads a list of scopes separated by spaces or commas (as in `BITBUCKET_SCOPE`).
    ///
    /// ```
    /// use oauth_kit_bitbucket::BitbucketScope;
    /// assert_eq!(
    ///     BitbucketScope::parse_list("account, email"),
    ///     [BitbucketScope::Account, BitbucketScope::Email]
    /// );
    /// ```
    pub fn parse_list(scopes: &str) -> Vec<Self> {
        let mut out: Vec<Self> = Vec::new();
        for scope in scopes
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(Self::parse)
        {
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        out
    }

    /// The scope string sent to and received from Bitbucket.
    pub fn as_str(&self) -> &str {
        match self {
            BitbucketScope::Account => "account",
            BitbucketScope::AccountWrite => "account:write",
            BitbucketScope::Email => "email",
            BitbucketScope::Repository => "repository",
            BitbucketScope::RepositoryWrite => "repository:write",
            BitbucketScope::RepositoryAdmin => "repository:admin",
            BitbucketScope::RepositoryDelete => "repository:delete",
            BitbucketScope::PullRequest => "pullrequest",
            BitbucketScope::PullRequestWrite => "pullrequest:write",
            BitbucketScope::Issue => "issue",
            BitbucketScope::IssueWrite => "issue:write",
            BitbucketScope::Wiki => "wiki",
            BitbucketScope::Snippet => "snippet",
            BitbucketScope::SnippetWrite => "snippet:write",
            BitbucketScope::Webhook => "webhook",
            BitbucketScope::Team => "team",
            BitbucketScope::TeamWrite => "team:write",
            BitbucketScope::Project => "project",
            BitbucketScope::ProjectAdmin => "project:admin",
            BitbucketScope::Pipeline => "pipeline",
            BitbucketScope::PipelineWrite => "pipeline:write",
            BitbucketScope::PipelineVariable => "pipeline:variable",
            BitbucketScope::Runner => "runner",
            BitbucketScope::RunnerWrite => "runner:write",
            BitbucketScope::Other(scope) => scope,
        }
    }

    /// The text Bitbucket shows the user on its consent screen; `None` for
    /// [`Other`](Self::Other).
    pub fn description(&self) -> Option<&'static str> {
        Some(match self {
            BitbucketScope::Account => "Read your account information",
            BitbucketScope::AccountWrite => "Read and modify your account information",
            BitbucketScope::Email => "Read your account's primary email address",
            BitbucketScope::Repository => "Read your repositories",
            BitbucketScope::RepositoryWrite => "Read and modify your repositories",
            BitbucketScope::RepositoryAdmin => "Administer your repositories",
            BitbucketScope::RepositoryDelete => "Delete your repositories",
            BitbucketScope::PullRequest => "Read your repositories and their pull requests",
            BitbucketScope::PullRequestWrite => {
                "Read and modify your repositories and their pull requests"
            }
            BitbucketScope::Issue => "Read your repositories' issues",
            BitbucketScope::IssueWrite => "Read and modify your repositories' issues",
            BitbucketScope::Wiki => "Read and modify your repositories' wikis",
            BitbucketScope::Snippet => "Read your snippets",
            BitbucketScope::SnippetWrite => "Read and modify your snippets",
            BitbucketScope::Webhook => "Read and modify your repositories' webhooks",
            BitbucketScope::Team => "Read your team membership information",
            BitbucketScope::TeamWrite => "Read and modify your team membership information",
            BitbucketScope::Project => {
                "Read your workspace's project settings and read repositories contained \
                 within your workspace's projects"
            }
            BitbucketScope::ProjectAdmin => "Administer your workspace's projects",
            BitbucketScope::Pipeline => "Access your repositories' build pipelines",
            BitbucketScope::PipelineWrite => "Access and rerun your repositories' build pipelines",
            BitbucketScope::PipelineVariable => {
                "Access your repositories' build pipelines and configure their variables"
            }
            BitbucketScope::Runner => "Read your workspaces' and repositories' pipeline runners",
            BitbucketScope::RunnerWrite => {
                "Create, edit and delete your workspaces' and repositories' pipeline runners"
            }
            BitbucketScope::Other(_) => return None,
        })
    }

    /// The scopes this one directly implies (grants as well), per Bitbucket's documentation.
    ///
    /// Only documented implications are listed: `repository:admin` implies nothing, and
    /// `account:write` is not listed as implying `account` because Bitbucket does not say so.
    pub fn implied(&self) -> &'static [BitbucketScope] {
        match self {
            BitbucketScope::RepositoryWrite
            | BitbucketScope::PullRequest
            | BitbucketScope::Project => IMPLIES_REPOSITORY,
            BitbucketScope::PullRequestWrite => IMPLIES_PULLREQUEST_WRITE,
            BitbucketScope::IssueWrite => IMPLIES_ISSUE,
            BitbucketScope::SnippetWrite => IMPLIES_SNIPPET,
            BitbucketScope::TeamWrite => IMPLIES_TEAM,
            BitbucketScope::PipelineWrite => IMPLIES_PIPELINE,
            BitbucketScope::PipelineVariable => IMPLIES_PIPELINE_WRITE,
            BitbucketScope::RunnerWrite => IMPLIES_RUNNER,
            _ => &[],
        }
    }

    /// Whether holding this scope grants `other`: the same scope, or one reached through
    /// [`implied`](Self::implied), transitively.
    pub fn implies(&self, other: &BitbucketScope) -> bool {
        self == other || self.implied().iter().any(|implied| implied.implies(other))
    }

    /// Whether any of `granted` grants this scope (for checking a token's
    /// [`scopes`](oauth_kit_core::OAuthToken::scopes)).
    ///
    /// ```
    /// use oauth_kit_bitbucket::BitbucketScope;
    /// let granted = BitbucketScope::parse_list("pullrequest:write email");
    /// assert!(BitbucketScope::RepositoryWrite.is_granted_by(&granted));
    /// assert!(!BitbucketScope::Account.is_granted_by(&granted));
    /// ```
    pub fn is_granted_by(&self, granted: &[BitbucketScope]) -> bool {
        granted.iter().any(|scope| scope.implies(self))
    }
}

impl fmt::Display for BitbucketScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<BitbucketScope> for String {
    fn from(scope: BitbucketScope) -> String {
        scope.as_str().to_owned()
    }
}

impl FromStr for BitbucketScope {
    type Err = Infallible;

    fn from_str(scope: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(scope))
    }
}

impl From<&str> for BitbucketScope {
    fn from(scope: &str) -> Self {
        Self::parse(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_scope_round_trips_through_its_string() {
        assert_eq!(BitbucketScope::ALL.len(), 24);
        for scope in BitbucketScope::ALL {
            assert_eq!(&BitbucketScope::parse(scope.as_str()), scope);
            assert!(scope.description().is_some(), "{scope}");
        }
    }

    #[test]
    fn unknown_scopes_are_kept_verbatim() {
        let scope = BitbucketScope::parse(" project:write ");
        assert_eq!(scope, BitbucketScope::Other("project:write".to_owned()));
        assert_eq!(scope.to_string(), "project:write");
        assert_eq!(scope.description(), None);
        assert_eq!(
            BitbucketScope::parse("Account"),
            BitbucketScope::Other("Account".into())
        );
    }

    #[test]
    fn implications_follow_bitbucket_documentation() {
        use BitbucketScope::*;
        let yes = [
            (RepositoryWrite, Repository),
            (PullRequest, Repository),
            (PullRequestWrite, PullRequest),
            (PullRequestWrite, RepositoryWrite),
            (PullRequestWrite, Repository),
            (IssueWrite, Issue),
            (SnippetWrite, Snippet),
            (TeamWrite, Team),
            (Project, Repository),
            (PipelineWrite, Pipeline),
            (PipelineVariable, PipelineWrite),
            (PipelineVariable, Pipeline),
            (RunnerWrite, Runner),
        ];
        for (holder, granted) in yes {
            assert!(holder.implies(&granted), "{holder} should imply {granted}");
        }
        let no = [
            (RepositoryAdmin, Repository),
            (RepositoryAdmin, RepositoryWrite),
            (Repository, RepositoryWrite),
            (PullRequest, RepositoryWrite),
            (AccountWrite, Account),
            (Email, Account),
            (Account, Email),
            (Wiki, Repository),
            (Webhook, Issue),
        ];
        for (holder, other) in no {
            assert!(!holder.implies(&other), "{holder} must not imply {other}");
        }
    }

    #[test]
    fn guide_scope_table_lists_every_scope_with_its_description_and_implications() {
        let guide = include_str!("../../../../docs/providers/bitbucket.md");
        for scope in BitbucketScope::ALL {
            let description = scope.description().unwrap_or_default();
            let row_start = format!("| `{scope}` | {description} |");
            let row = guide
                .lines()
                .find(|line| line.starts_with(&row_start))
                .unwrap_or_else(|| panic!("the guide's scope table lacks `{row_start}`"));
            for implied in scope.implied() {
                assert!(
                    row.contains(&format!("`{implied}`")),
                    "{row} should list {implied}"
                );
            }
        }
    }

    #[test]
    fn parse_list_splits_on_spaces_and_commas_without_duplicates() {
        use BitbucketScope::*;
        assert_eq!(
            BitbucketScope::parse_list(" account,email  account\tpullrequest "),
            [Account, Email, PullRequest]
        );
        assert!(BitbucketScope::parse_list(" , ").is_empty());
    }
}
