using Mlflow.Client.Models;

namespace Mlflow.Runs.Tests;

/// <summary>Run scopes: how they start (tags, nesting) and how they end (FINISHED, FAILED, KILLED).</summary>
public sealed class RunScopeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(MlflowClient Client, string ExperimentId)> NewExperimentAsync()
    {
        var client = Clients.Create(fixture.Uri);
        var experiment = await client.GetOrCreateExperimentAsync("scopes-" + Guid.NewGuid().ToString("N"));
        return (client, experiment.ExperimentId);
    }

    private static async Task<Run> ReadAsync(MlflowClient client, string runId) => await client.GetRunAsync(runId);

    [Fact]
    public async Task Disposing_the_scope_ends_the_run_FINISHED_with_what_it_logged()
    {
        var (mlflow, experimentId) = await NewExperimentAsync();
        using var _ = mlflow;
        string runId;
        await using (var run = await mlflow.StartRunAsync(experimentId, runName: "train", tags: new Dictionary<string, string> { ["team"] = "a" }))
        {
            runId = run.RunId;
            Assert.Equal("train", run.RunName);
            Assert.Equal(RunStatus.Running, (await ReadAsync(mlflow, runId)).Info.Status);
            await run.LogParamAsync("lr", "0.01");
            await run.LogParamsAsync(new Dictionary<string, string> { ["epochs"] = "3" });
            await run.SetTagAsync("stage", "dev");
            for (var step = 0; step < 3; step++) await run.LogMetricAsync("loss", 1.0 / (step + 1), step: step);
            await run.LogMetricsAsync(new Dictionary<string, double> { ["acc"] = 0.9, ["f1"] = 0.8 }, step: 2);
            await run.LogTextAsync("hello", "notes/readme.txt");
            await run.LogInputAsync(MlflowDatasets.FromSource("train-set", "s3://bucket/train.csv"), context: "training");
        }

        var ended = await ReadAsync(mlflow, runId);
        Assert.Equal(RunStatus.Finished, ended.Info.Status);
        Assert.NotNull(ended.Info.EndTime);
        Assert.Equal("0.01", ended.Data.Params.Single(p => p.Key == "lr").Value);
        Assert.Equal("3", ended.Data.Params.Single(p => p.Key == "epochs").Value);
        Assert.Equal("dev", ended.Data.Tags.Single(t => t.Key == "stage").Value);
        Assert.Equal("a", ended.Data.Tags.Single(t => t.Key == "team").Value);
        Assert.Equal(0.8, ended.Data.Metrics.Single(m => m.Key == "f1").Value);
        Assert.Equal(3, (await mlflow.GetMetricHistoryAsync(runId, "loss").ToListAsync()).Count);
        var input = Assert.Single(ended.Inputs!.DatasetInputs);
        Assert.Equal("train-set", input.Dataset.Name);
        Assert.Equal("s3", input.Dataset.SourceType);
        Assert.Equal("training", input.Tags.Single(t => t.Key == MlflowDatasets.ContextTag).Value);
        Assert.Contains(await mlflow.ListArtifactsAsync(runId, "notes"), f => f.Path == "notes/readme.txt");
    }

    [Fact]
    public async Task The_run_gets_the_context_tags_MLflow_sets_and_the_callers_tags_win()
    {
        var (mlflow, experimentId) = await NewExperimentAsync();
        using var _ = mlflow;
        await using var run = await mlflow.StartRunAsync(experimentId, tags: new Dictionary<string, string> { [MlflowRunTags.SourceName] = "train.cs" }, description: "first try");
        var tags = (await ReadAsync(mlflow, run.RunId)).Data.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(Environment.UserName, tags[MlflowRunTags.User]);
        Assert.Equal("LOCAL", tags[MlflowRunTags.SourceType]);
        Assert.Equal("train.cs", tags[MlflowRunTags.SourceName]);
        Assert.Equal("first try", tags[MlflowRunTags.Note]);
        Assert.Equal(Environment.UserName, (await ReadAsync(mlflow, run.RunId)).Info.UserId);
        // The git commit is there exactly when the working folder is in a repository.
        var commit = MlflowRunTags.GitCommitOf(Environment.CurrentDirectory);
        Assert.Equal(commit, tags.GetValueOrDefault(MlflowRunTags.GitCommit));
    }

    [Fact]
    public void The_git_commit_is_read_from_HEAD_loose_refs_packed_refs_and_worktree_files()
    {
        using var repo = new TempDirectory();
        var git = Directory.CreateDirectory(Path.Combine(repo.Path, ".git")).FullName;
        var nested = Directory.CreateDirectory(Path.Combine(repo.Path, "src", "app")).FullName;
        Assert.Null(MlflowRunTags.GitCommitOf(nested));

        var a = new string('a', 40);
        var b = new string('b', 40);
        File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/heads/main\n");
        Assert.Null(MlflowRunTags.GitCommitOf(nested));                     // a branch without commits
        File.WriteAllText(Path.Combine(git, "packed-refs"), $"# pack-refs with: peeled\n{b} refs/heads/main\n");
        Assert.Equal(b, MlflowRunTags.GitCommitOf(nested));
        Directory.CreateDirectory(Path.Combine(git, "refs", "heads"));
        File.WriteAllText(Path.Combine(git, "refs", "heads", "main"), a + "\n");
        Assert.Equal(a, MlflowRunTags.GitCommitOf(nested));                 // loose refs win over packed ones
        File.WriteAllText(Path.Combine(git, "HEAD"), b + "\n");
        Assert.Equal(b, MlflowRunTags.GitCommitOf(nested));                 // detached HEAD

        // A linked worktree: ".git" is a file naming its folder, refs live in the common folder.
        using var worktree = new TempDirectory();
        var wtGit = Directory.CreateDirectory(Path.Combine(git, "worktrees", "wt")).FullName;
        File.WriteAllText(Path.Combine(worktree.Path, ".git"), "gitdir: " + wtGit + "\n");
        File.WriteAllText(Path.Combine(wtGit, "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(wtGit, "commondir"), "../..\n");
        Assert.Equal(a, MlflowRunTags.GitCommitOf(worktree.Path));
    }

    [Fact]
    public async Task EndAsync_sets_the_status_given_and_a_second_end_does_nothing()
    {
        var (mlflow, experimentId) = await NewExperimentAsync();
        using var _ = mlflow;
        var run = await mlflow.StartRunAsync(experimentId);
        await run.EndAsync(RunStatus.Failed);
        Assert.Equal(RunStatus.Failed, run.EndStatus);
        await run.DisposeAsync();
        Assert.Equal(RunStatus.Failed, (await ReadAsync(mlflow, run.RunId)).Info.Status);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => run.EndAsync(RunStatus.Running));
    }

    [Fact]
    public async Task ExecuteAsync_ends_FINISHED_FAILED_when_the_body_throws_and_KILLED_when_it_is_cancelled()
    {
        var (mlflow, experimentId) = await NewExperimentAsync();
        using var _ = mlflow;

        await using var ok = await mlflow.StartRunAsync(experimentId);
        Assert.Equal(42, await ok.ExecuteAsync(async run => { await run.LogMetricAsync("m", 1); return 42; }));
        Assert.Equal(RunStatus.Finished, (await ReadAsync(mlflow, ok.RunId)).Info.Status);

        await using var failing = await mlflow.StartRunAsync(experimentId);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ExecuteAsync(_ => throw new InvalidOperationException("diverged")));
        Assert.Equal("diverged", thrown.Message);
        Assert.Equal(RunStatus.Failed, (await ReadAsync(mlflow, failing.RunId)).Info.Status);

        using var cts = new CancellationTokenSource();
        await using var cancelled = await mlflow.StartRunAsync(experimentId);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.ExecuteAsync(async run =>
        {
            for (var step = 0; ; step++)
            {
                await run.LogMetricAsync("loss", 1, step: step, cancellationToken: cts.Token);
                if (step == 3) await cts.CancelAsync();
                await Task.Delay(1, cts.Token);
            }
        }));
        var killed = await ReadAsync(mlflow, cancelled.RunId);
        Assert.Equal(RunStatus.Killed, killed.Info.Status);
        Assert.Equal(4, (await mlflow.GetMetricHistoryAsync(cancelled.RunId, "loss").ToListAsync()).Count);
        // Disposing after ExecuteAsync keeps the status it recorded.
        await cancelled.DisposeAsync();
        Assert.Equal(RunStatus.Killed, (await ReadAsync(mlflow, cancelled.RunId)).Info.Status);
    }

    [Fact]
    public async Task Nested_runs_carry_the_parent_tag_and_GetParentRunAsync_follows_it()
    {
        var (mlflow, experimentId) = await NewExperimentAsync();
        using var _ = mlflow;
        await using var parent = await mlflow.StartRunAsync(experimentId, runName: "sweep");
        await using var child = await parent.StartNestedRunAsync(runName: "trial-1");
        await using var explicitChild = await mlflow.StartRunAsync(experimentId, parentRunId: parent.RunId);

        Assert.Equal(parent.RunId, child.ParentRunId);
        Assert.Equal(parent.RunId, (await ReadAsync(mlflow, child.RunId)).Data.Tags.Single(t => t.Key == MlflowRunTags.ParentRunId).Value);
        Assert.Equal(parent.RunId, (await mlflow.GetParentRunAsync(child.RunId))!.Info.RunId);
        Assert.Equal(parent.RunId, (await mlflow.GetParentRunAsync(explicitChild.RunId))!.Info.RunId);
        Assert.Null(await mlflow.GetParentRunAsync(parent.RunId));
        await Assert.ThrowsAsync<MlflowNotFoundException>(() => mlflow.StartRunAsync(experimentId, parentRunId: "0123456789abcdef0123456789abcdef"));
        await Assert.ThrowsAsync<MlflowNotFoundException>(() => mlflow.GetParentRunAsync("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task ResumeRunAsync_sets_an_ended_run_running_again()
    {
        var (mlflow, experimentId) = await NewExperimentAsync();
        using var _ = mlflow;
        string runId;
        await using (var first = await mlflow.StartRunAsync(experimentId)) runId = first.RunId;
        await using (var again = await mlflow.ResumeRunAsync(runId))
        {
            Assert.Equal(RunStatus.Running, (await ReadAsync(mlflow, runId)).Info.Status);
            await again.LogMetricAsync("more", 2);
        }
        Assert.Equal(RunStatus.Finished, (await ReadAsync(mlflow, runId)).Info.Status);
    }
}
