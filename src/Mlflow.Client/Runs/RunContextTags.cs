namespace Mlflow;

/// <summary>
/// The tags MLflow's fluent <c>start_run</c> adds from where the code runs, as they make sense for .NET: the user
/// (<c>mlflow.user</c>), the program (<c>mlflow.source.name</c>, <c>mlflow.source.type</c> = <c>LOCAL</c>) and, when
/// the working folder is inside a git repository, the checked-out commit (<c>mlflow.source.git.commit</c>).
/// </summary>
public static class MlflowRunTags
{
    /// <summary>The user who started the run.</summary>
    public const string User = "mlflow.user";
    /// <summary>The program that started the run.</summary>
    public const string SourceName = "mlflow.source.name";
    /// <summary>The kind of source (<c>LOCAL</c>, <c>NOTEBOOK</c>, <c>JOB</c>, <c>PROJECT</c>).</summary>
    public const string SourceType = "mlflow.source.type";
    /// <summary>The git commit checked out where the run started.</summary>
    public const string GitCommit = "mlflow.source.git.commit";
    /// <summary>The parent of a nested run.</summary>
    public const string ParentRunId = "mlflow.parentRunId";
    /// <summary>The run's description (Markdown).</summary>
    public const string Note = "mlflow.note.content";
    /// <summary>The run's name.</summary>
    public const string RunName = "mlflow.runName";

    /// <summary>The context tags for a run started now from <paramref name="workingDirectory"/> (null: the current folder).</summary>
    /// <param name="workingDirectory">Where to look for a git repository.</param>
    /// <returns>The tags (no entry for what cannot be found).</returns>
    public static IReadOnlyDictionary<string, string> FromEnvironment(string? workingDirectory = null)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var user = Environment.UserName;
        if (!string.IsNullOrEmpty(user)) tags[User] = user;
        var program = Environment.GetCommandLineArgs().FirstOrDefault();
        if (!string.IsNullOrEmpty(program)) tags[SourceName] = program;
        tags[SourceType] = "LOCAL";
        if (GitCommitOf(workingDirectory ?? Environment.CurrentDirectory) is { } commit) tags[GitCommit] = commit;
        return tags;
    }

    /// <summary>The commit checked out in the git repository holding <paramref name="directory"/>, or null (no repository, unreadable).</summary>
    /// <param name="directory">A folder inside the work tree.</param>
    /// <returns>The 40-hex commit id, or null.</returns>
    public static string? GitCommitOf(string directory)
    {
        try
        {
            for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
            {
                var dotGit = Path.Combine(dir.FullName, ".git");
                string? gitDir = null;
                if (Directory.Exists(dotGit)) gitDir = dotGit;
                else if (File.Exists(dotGit))
                {
                    // A worktree or submodule: ".git" is a file "gitdir: <path>".
                    var line = File.ReadAllText(dotGit).Trim();
                    if (!line.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
                    var target = line["gitdir:".Length..].Trim();
                    gitDir = Path.IsPathRooted(target) ? target : Path.GetFullPath(Path.Combine(dir.FullName, target));
                }
                if (gitDir is null) continue;
                return ReadHead(gitDir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
        return null;
    }

    private static string? ReadHead(string gitDir)
    {
        var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
        if (!head.StartsWith("ref:", StringComparison.Ordinal)) return IsCommit(head) ? head : null;
        var reference = head["ref:".Length..].Trim();
        // Refs of a linked worktree live in the common folder named by "commondir".
        var commonFile = Path.Combine(gitDir, "commondir");
        var common = File.Exists(commonFile) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonFile).Trim())) : gitDir;
        foreach (var root in new[] { gitDir, common })
        {
            var loose = Path.Combine(root, reference.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(loose)) { var id = File.ReadAllText(loose).Trim(); return IsCommit(id) ? id : null; }
        }
        var packed = Path.Combine(common, "packed-refs");
        if (!File.Exists(packed)) return null;
        foreach (var line in File.ReadLines(packed))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space == 40 && line[(space + 1)..] == reference && IsCommit(line[..40])) return line[..40];
        }
        return null;
    }

    private static bool IsCommit(string text) => text.Length is 40 or 64 && text.All(Uri.IsHexDigit);
}
