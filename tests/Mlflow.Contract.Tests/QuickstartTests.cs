using Mlflow.Samples.Quickstart;

namespace Mlflow.Contract.Tests;

/// <summary>The README's first command, run in-process against the embedded server (no MLflow installed).</summary>
public sealed class QuickstartTests
{
    [Fact]
    public async Task Quickstart_prints_its_summary_against_the_embedded_server()
    {
        using var output = new StringWriter();
        var exit = await QuickstartSample.RunAsync(output, trackingUri: null);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(0, exit);
        Assert.StartsWith("MLflow quickstart against the embedded server at http://127.0.0.1:", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^experiment +quickstart-\d{8}-\d{6}-[0-9a-f]{4} \(id 1\)$", lines[1]);
        Assert.Matches("^run +[0-9a-f]{32} \"quickstart-run\" FINISHED$", lines[2]);
        Assert.Equal("params      learning_rate=0.01, epochs=10, optimizer=adam", lines[3]);
        Assert.Equal("metrics     loss 1.000 -> 0.100 over 10 steps, accuracy 0.93", lines[4]);
        Assert.Matches(@"^artifacts +notes/summary\.txt \(\d+ bytes\)$", lines[5]);
        Assert.Matches(@"^model +quickstart-.*-model version 1, alias champion -> version 1 \(run [0-9a-f]{32}\)$", lines[6]);
    }
}
