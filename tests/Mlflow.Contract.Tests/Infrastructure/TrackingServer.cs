using Mlflow.Testing;

namespace Mlflow.Contract.Tests.Infrastructure;

/// <summary>
/// The server under test: a real MLflow when <c>MLFLOW_TRACKING_URI</c> is set, else an embedded
/// <see cref="MlflowTestServer"/> started for the test class.
/// </summary>
public sealed class TrackingServer : IAsyncLifetime
{
    private MlflowTestServer? embedded;

    /// <summary>The tracking URI.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>True when the tests run against the embedded server.</summary>
    public bool IsEmbedded => embedded is not null;

    /// <summary>A name no other run of the suite uses (a real server keeps its data between runs).</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");
        if (!string.IsNullOrWhiteSpace(external) && external.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            Uri = new Uri(external.TrimEnd('/'));
            return;
        }
        embedded = new MlflowTestServer();
        Uri = await embedded.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (embedded is not null) await embedded.DisposeAsync();
    }
}
