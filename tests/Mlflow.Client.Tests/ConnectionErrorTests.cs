using System.Net;
using System.Net.Sockets;
using Microsoft.Kiota.Abstractions;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>
/// Errors that explain themselves: nothing listening at the tracking URI (a real closed loopback port, the real socket
/// handler, MLflow's default retries on a fake clock, so the 244 s of backoff pass at once), out-of-range options,
/// and a tracking URI without a scheme.
/// </summary>
public class ConnectionErrorTests
{
    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static MlflowClient ClientFor(int port, SteppedTimeProvider time, Action<MlflowClientOptions>? configure = null)
    {
        var options = new MlflowClientOptions
        {
            TrackingUri = $"http://127.0.0.1:{port}",
            EnvironmentSource = MlflowEnvironment.Empty,
            BackoffJitter = 0,
            Timeout = Timeout.InfiniteTimeSpan, // only the backoff arms timers on the fake clock
        };
        configure?.Invoke(options);
        return new MlflowClient(options, loggerFactory: null, timeProvider: time); // the real socket handler
    }

    [Fact]
    public async Task Nothing_listening_gives_a_connection_exception_that_names_url_attempts_time_and_settings()
    {
        var port = ClosedPort();
        var time = new SteppedTimeProvider();
        using var client = ClientFor(port, time);

        var ex = await Assert.ThrowsAsync<MlflowConnectionException>(() =>
            time.RunAsync(() => Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get", query: new Dictionary<string, object> { ["experiment_id"] = "0" })));

        Assert.Equal(8, ex.Attempts);                                    // 1 + MLflow's 7 retries
        Assert.Equal(TimeSpan.FromSeconds(0 + 4 + 8 + 16 + 32 + 64 + 120), ex.Elapsed);
        Assert.Equal(MlflowErrorCode.ConnectionFailed, ex.ErrorCode);
        Assert.Equal("CONNECTION_FAILED", ex.RawErrorCode);
        Assert.NotEqual(MlflowErrorCode.InternalError, ex.ErrorCode);
        Assert.Null(ex.StatusCode);
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.IsAssignableFrom<MlflowTransportException>(ex);
        Assert.Equal("GET", ex.TransportMethod);
        Assert.Contains($"http://127.0.0.1:{port}/", ex.Message);
        Assert.Contains($"GET http://127.0.0.1:{port}/api/2.0/mlflow/experiments/get?experiment_id=0", ex.Message);
        Assert.Contains("connection refused", ex.Message);
        Assert.Contains("8 attempts over 244.0 s", ex.Message);
        Assert.Contains("MLFLOW_HTTP_REQUEST_MAX_RETRIES", ex.Message);
        Assert.Contains("MaxRetries = 7", ex.Message);
        Assert.Contains("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", ex.Message);
    }

    [Fact]
    public async Task Without_retries_it_fails_after_one_attempt_and_says_retries_are_off()
    {
        var time = new SteppedTimeProvider();
        using var client = ClientFor(ClosedPort(), time, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<MlflowConnectionException>(() =>
            time.RunAsync(() => Clients.SendAsync(client, Method.POST, "/api/2.0/mlflow/experiments/create", """{"name":"x"}""")));

        Assert.Equal(1, ex.Attempts);
        Assert.Equal(TimeSpan.Zero, ex.Elapsed);
        Assert.Contains("1 attempt over 0.0 s", ex.Message);
        Assert.Contains("Retries are off", ex.Message);
    }

    [Fact]
    public async Task An_unresolvable_host_is_named_as_such()
    {
        var handler = new ScriptedHandler(new SteppedTimeProvider())
            .Throw(new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (mlflow.invalid:80)", new SocketException((int)SocketError.HostNotFound)));
        using var client = Clients.Create(handler, o => o.MaxRetries = 0, uri: "http://mlflow.invalid");

        var ex = await Assert.ThrowsAsync<MlflowConnectionException>(() => Clients.SendAsync(client, Method.GET, "/health"));

        Assert.Equal(HttpRequestError.NameResolutionError, ex.HttpRequestError);
        Assert.Contains("could not be resolved", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void A_timeout_below_10_ms_is_a_configuration_error_in_MLflow_terms(int milliseconds)
    {
        var options = new MlflowClientOptions { TrackingUri = "http://localhost:5000", EnvironmentSource = MlflowEnvironment.Empty, Timeout = TimeSpan.FromMilliseconds(milliseconds) };

        var ex = Assert.Throws<MlflowConfigurationException>(() => new MlflowClient(options));

        Assert.Contains("MLFLOW_HTTP_REQUEST_TIMEOUT", ex.Message);
        Assert.Contains("MlflowClientOptions.Timeout", ex.Message);
        Assert.Contains("at least 10 ms", ex.Message);
        Assert.Contains($"got {milliseconds} ms", ex.Message);
        Assert.Equal(MlflowErrorCode.InvalidParameterValue, ex.ErrorCode);
    }

    [Fact]
    public void Edge_timeouts_build_a_pipeline_without_Polly_validation_errors()
    {
        foreach (var timeout in new[] { TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24), TimeSpan.FromDays(3), Timeout.InfiniteTimeSpan })
        {
            using var client = new MlflowClient(new MlflowClientOptions { TrackingUri = "http://localhost:5000", EnvironmentSource = MlflowEnvironment.Empty, Timeout = timeout });
            Assert.Equal(timeout, client.Settings.Timeout);
        }
    }

    [Fact]
    public void A_timeout_from_the_environment_is_checked_the_same_way()
    {
        var env = MlflowEnvironment.FromDictionary(new Dictionary<string, string?> { ["MLFLOW_TRACKING_URI"] = "http://localhost:5000", ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "0.001" });

        var ex = Assert.Throws<MlflowConfigurationException>(() => new MlflowClientOptions().Resolve(env));

        Assert.Contains("at least 10 ms", ex.Message);
    }

    [Theory]
    [InlineData("localhost:5000")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("mlflow.internal:8080/mlflow")]
    [InlineData("[::1]:5000")]
    [InlineData("localhost")]
    public void A_tracking_uri_without_a_scheme_suggests_the_http_form(string uri)
    {
        var explicitly = Assert.Throws<MlflowConfigurationException>(() =>
            new MlflowClientOptions { TrackingUri = uri }.Resolve(MlflowEnvironment.Empty));
        var fromEnvironment = Assert.Throws<MlflowConfigurationException>(() =>
            new MlflowClientOptions().Resolve(MlflowEnvironment.FromDictionary(new Dictionary<string, string?> { ["MLFLOW_TRACKING_URI"] = uri })));

        Assert.Contains($"Did you mean 'http://{uri}'?", explicitly.Message);
        Assert.Contains("MlflowClientOptions.TrackingUri", explicitly.Message);
        Assert.Contains($"Did you mean 'http://{uri}'?", fromEnvironment.Message);
        Assert.Contains("MLFLOW_TRACKING_URI", fromEnvironment.Message);
        Assert.DoesNotContain("local file store", explicitly.Message);
    }

    [Fact]
    public void The_suggested_form_is_accepted()
    {
        var settings = new MlflowClientOptions { TrackingUri = "http://localhost:5000" }.Resolve(MlflowEnvironment.Empty);
        Assert.Equal("http://localhost:5000", settings.BaseUrl);
    }
}
