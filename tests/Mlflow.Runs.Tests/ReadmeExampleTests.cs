using Mlflow.Client.Models;

namespace Mlflow.Runs.Tests;

/// <summary>The README's training-loop example, as written there, against the embedded server.</summary>
[Collection(BackgroundLoggingCollection.Name)]
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_training_loop_example_logs_everything_and_ends_the_run_FINISHED()
    {
        await using var server = new Mlflow.Testing.MlflowTestServer();
        var uri = await server.StartAsync();
        await using var mlflow = Clients.Create(uri);

        // --- README: "A training loop: run scopes and background logging" ---
        var experiment = await mlflow.GetOrCreateExperimentAsync("churn");
        await using var run = await mlflow.StartRunAsync(experiment.ExperimentId, runName: "train", logInBackground: true);
        await run.ExecuteAsync(async r =>
        {
            await r.LogParamsAsync(new Dictionary<string, string> { ["lr"] = "0.01", ["epochs"] = "10" });
            await r.LogInputAsync(MlflowDatasets.FromSource("train", "s3://data/churn/train.parquet"), context: "training");
            for (var step = 0; step < 10_000; step++)
            {
                var loss = 1.0 / (step + 1);
                await r.LogMetricAsync("loss", loss, step: step);
            }
        });
        var version = await mlflow.RegisterModelAsync($"runs:/{run.RunId}/model", "churn-model");
        // --- end of the example ---

        var ended = await mlflow.GetRunAsync(run.RunId);
        Assert.Equal(RunStatus.Finished, ended.Info.Status);
        Assert.Equal(2, ended.Data.Params.Count);
        Assert.Equal(10_000, (await mlflow.GetMetricHistoryAsync(run.RunId, "loss").ToListAsync()).Count);
        Assert.Equal(ModelVersionStatus.Ready, version.Status);
        Assert.Equal(run.RunId, version.RunId);
    }
}
