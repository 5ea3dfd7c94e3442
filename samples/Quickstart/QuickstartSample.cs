using System.Globalization;
using System.Text;
using Mlflow.Testing;
using Models = Mlflow.Client.Models;

namespace Mlflow.Samples.Quickstart;

/// <summary>
/// The quickstart: an experiment and a run, params, a short metric curve and a batch, an artifact, a registered model
/// version from the run with the alias <c>champion</c>, read back by alias; then a short summary.
/// </summary>
public static class QuickstartSample
{
    /// <summary>Runs the quickstart against <paramref name="trackingUri"/>, or an embedded server when it is empty.</summary>
    /// <param name="output">Where the summary goes.</param>
    /// <param name="trackingUri">An MLflow tracking URI, or null/empty for the embedded server.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(TextWriter output, string? trackingUri)
    {
        await using var embedded = string.IsNullOrWhiteSpace(trackingUri) ? new MlflowTestServer() : null;
        var uri = embedded is null ? trackingUri! : (await embedded.StartAsync()).ToString().TrimEnd('/');
        output.WriteLine(embedded is null
            ? $"MLflow quickstart against {uri}"
            : $"MLflow quickstart against the embedded server at {uri} (set MLFLOW_TRACKING_URI to use your own MLflow)");

        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri });
        var stamp = DateTimeOffset.UtcNow;
        var experimentName = $"quickstart-{stamp:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
        var experimentId = await mlflow.CreateExperimentAsync(experimentName, tags: [new Models.ExperimentTag { Key = "source", Value = "mlflow-dotnet quickstart" }]);
        var run = await mlflow.CreateRunAsync(experimentId: experimentId, runName: "quickstart-run", startTime: stamp.ToUnixTimeMilliseconds());
        var runId = run.Info!.RunId!;

        // Params, one by one and in a batch.
        await mlflow.LogParamAsync("learning_rate", "0.01", runId: runId);
        await mlflow.LogBatchAsync(
            runId: runId,
            @params: [new Models.Param { Key = "epochs", Value = "10" }, new Models.Param { Key = "optimizer", Value = "adam" }],
            tags: [new Models.RunTag { Key = "stage", Value = "quickstart" }]);

        // A short training curve: loss per epoch, then the final accuracy in a batch.
        var start = stamp.ToUnixTimeMilliseconds();
        for (var epoch = 0; epoch < 10; epoch++)
        {
            await mlflow.LogMetricAsync("loss", Math.Round(1.0 / (epoch + 1), 4), start + epoch, runId: runId, step: epoch);
        }
        await mlflow.LogBatchAsync(runId: runId, metrics:
        [
            new Models.Metric { Key = "accuracy", Value = 0.93, Timestamp = start + 10, Step = 9 },
            new Models.Metric { Key = "f1", Value = 0.91, Timestamp = start + 10, Step = 9 },
        ]);

        // An artifact, as Python's log_text: the run's artifact URI picks the store (here the server's artifact proxy).
        await mlflow.LogTextAsync(runId, $"Quickstart run {runId}: loss went from 1.0 to 0.1 in 10 epochs.\n", "notes/summary.txt");
        var artifacts = new List<string>();
        foreach (var file in await mlflow.ListArtifactsAsync(runId, "notes"))
        {
            artifacts.Add($"{file.Path} ({file.FileSize} bytes)");
        }

        await mlflow.UpdateRunAsync(runId: runId, status: Models.RunStatus.Finished, endTime: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // Register a model version from the run and point the alias "champion" at it.
        var modelName = $"{experimentName}-model";
        await mlflow.CreateRegisteredModelAsync(modelName, description: "Registered by the quickstart");
        var version = await mlflow.CreateModelVersionAsync(modelName, $"{run.Info.ArtifactUri}/model", runId: runId);
        await mlflow.SetRegisteredModelAliasAsync(modelName, "champion", version.Version!);
        var champion = await mlflow.GetModelVersionByAliasAsync(modelName, "champion");

        // Read everything back for the summary.
        var finished = await mlflow.GetRunAsync(runId);
        var losses = new List<double>();
        await foreach (var metric in mlflow.GetMetricHistoryAsync("loss", runId: runId, maxResults: 4))
        {
            losses.Add(metric.Value ?? double.NaN);
        }
        var parameters = string.Join(", ", finished.Data!.Params!.Select(p => $"{p.Key}={p.Value}"));
        var accuracy = finished.Data.Metrics!.Single(m => m.Key == "accuracy").Value;

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"  experiment  {experimentName} (id {experimentId})");
        output.WriteLine($"  run         {runId} \"{finished.Info!.RunName}\" {finished.Info.Status.ToString()!.ToUpperInvariant()}");
        output.WriteLine($"  params      {parameters}");
        output.WriteLine(string.Create(c, $"  metrics     loss {losses[0]:0.000} -> {losses[^1]:0.000} over {losses.Count} steps, accuracy {accuracy:0.00}"));
        output.WriteLine($"  artifacts   {string.Join(", ", artifacts)}");
        output.WriteLine($"  model       {modelName} version {version.Version}, alias champion -> version {champion.Version} (run {champion.RunId})");
        return champion.Version == version.Version ? 0 : 1;
    }
}
