using System.Globalization;
using System.Text;
using Mlflow.Testing;
using Mlflow.Client.Models;

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
        var uri = embedded is null ? trackingUri ?? "" : (await embedded.StartAsync()).ToString().TrimEnd('/');
        output.WriteLine(embedded is null
            ? $"MLflow quickstart against {uri}"
            : $"MLflow quickstart against the embedded server at {uri} (set MLFLOW_TRACKING_URI to use your own MLflow)");

        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri });
        var experimentName = $"quickstart-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
        var experimentId = await mlflow.CreateExperimentAsync(experimentName, tags: new Dictionary<string, string> { ["source"] = "mlflow-dotnet quickstart" });
        var run = await mlflow.CreateRunAsync(experimentId, runName: "quickstart-run");
        var runId = run.Info.RunId;

        // Params, one by one and in a batch.
        await mlflow.LogParamAsync(runId, "learning_rate", "0.01");
        await mlflow.LogBatchAsync(runId, @params: [new Param("epochs", "10"), new Param("optimizer", "adam")], tags: [new RunTag("stage", "quickstart")]);

        // A short training curve: loss per epoch, then the final accuracy in a batch.
        for (var epoch = 0; epoch < 10; epoch++)
        {
            await mlflow.LogMetricAsync(runId, "loss", Math.Round(1.0 / (epoch + 1), 4), step: epoch);
        }
        await mlflow.LogBatchAsync(runId, metrics: [new Metric("accuracy", 0.93, step: 9), new Metric("f1", 0.91, step: 9)]);

        // An artifact, as Python's log_text: the run's artifact URI picks the store (here the server's artifact proxy).
        await mlflow.LogTextAsync(runId, $"Quickstart run {runId}: loss went from 1.0 to 0.1 in 10 epochs.\n", "notes/summary.txt");
        var artifacts = new List<string>();
        foreach (var file in await mlflow.ListArtifactsAsync(runId, "notes"))
        {
            artifacts.Add($"{file.Path} ({file.FileSize} bytes)");
        }

        await mlflow.SetTerminatedAsync(runId);

        // Register a model version from the run and point the alias "champion" at it.
        var modelName = $"{experimentName}-model";
        await mlflow.CreateRegisteredModelAsync(modelName, description: "Registered by the quickstart");
        var version = await mlflow.CreateModelVersionAsync(modelName, $"{run.Info.ArtifactUri}/model", runId: runId);
        await mlflow.SetRegisteredModelAliasAsync(modelName, "champion", version.Version);
        var champion = await mlflow.GetModelVersionByAliasAsync(modelName, "champion");

        // Read everything back for the summary.
        var finished = await mlflow.GetRunAsync(runId);
        var losses = new List<double>();
        await foreach (var metric in mlflow.GetMetricHistoryAsync(runId, "loss"))
        {
            losses.Add(metric.Value);
        }
        var parameters = string.Join(", ", finished.Data.Params.Select(p => $"{p.Key}={p.Value}"));
        var accuracy = finished.Data.Metrics.Single(m => m.Key == "accuracy").Value;

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"  experiment  {experimentName} (id {experimentId})");
        output.WriteLine($"  run         {runId} \"{finished.Info.RunName}\" {finished.Info.Status.ToString().ToUpperInvariant()}");
        output.WriteLine($"  params      {parameters}");
        output.WriteLine(string.Create(c, $"  metrics     loss {losses[0]:0.000} -> {losses[^1]:0.000} over {losses.Count} steps, accuracy {accuracy:0.00}"));
        output.WriteLine($"  artifacts   {string.Join(", ", artifacts)}");
        output.WriteLine($"  model       {modelName} version {version.Version}, alias champion -> version {champion.Version} (run {champion.RunId})");
        return champion.Version == version.Version ? 0 : 1;
    }
}
