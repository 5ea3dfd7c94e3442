using Microsoft.Kiota.Abstractions.Authentication;

namespace Mlflow;

/// <summary>
/// Settings of an <see cref="MlflowClient"/>. Every property left <see langword="null"/> is taken from MLflow's
/// environment variable of the same meaning (see <see cref="MlflowEnvironmentVariables"/>), then from the default
/// of MLflow's Python client. Precedence, per setting: <b>explicit option &gt; environment variable &gt; default</b>.
/// Credentials are resolved as one group: when any credential is set explicitly (<see cref="Username"/>,
/// <see cref="Password"/>, <see cref="Token"/>, <see cref="AuthenticationProvider"/>, or an <c>Authorization</c>
/// entry in <see cref="DefaultHeaders"/>), the credential environment variables are ignored. As in MLflow,
/// <c>MLFLOW_TRACKING_USERNAME</c> / <c>MLFLOW_TRACKING_PASSWORD</c> each fall back to <c>~/.mlflow/credentials</c>,
/// Basic credentials win over <c>MLFLOW_TRACKING_TOKEN</c>, and user info in the tracking URI is used last.
/// </summary>
/// <remarks>
/// Bindable from configuration (section <c>Mlflow</c> with <c>AddMlflowClient</c>): <c>TimeSpan</c> values use the
/// <c>hh:mm:ss</c> form. <see cref="Resolve()"/> validates everything and returns the effective
/// <see cref="MlflowSettings"/>.
/// </remarks>
public sealed class MlflowClientOptions
{
    /// <summary>
    /// Tracking server URL, <c>http(s)://host[:port][/prefix]</c>. A path prefix (a server started with
    /// <c>--static-prefix</c> or behind a reverse proxy) is kept for every route. Environment: <c>MLFLOW_TRACKING_URI</c>.
    /// </summary>
    public string? TrackingUri { get; set; }

    /// <summary>HTTP Basic user name; needs <see cref="Password"/>. Environment: <c>MLFLOW_TRACKING_USERNAME</c>.</summary>
    public string? Username { get; set; }

    /// <summary>HTTP Basic password; needs <see cref="Username"/>. Environment: <c>MLFLOW_TRACKING_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary>Bearer token (<c>Authorization: Bearer ...</c>). Environment: <c>MLFLOW_TRACKING_TOKEN</c>.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// A custom Kiota authentication provider (OAuth, signed requests...). It authenticates every request made
    /// through <see cref="MlflowClient.RequestAdapter"/>. Cannot be combined with other credentials.
    /// </summary>
    public IAuthenticationProvider? AuthenticationProvider { get; set; }

    /// <summary>Skip TLS certificate verification (test servers only). Environment: <c>MLFLOW_TRACKING_INSECURE_TLS</c>.</summary>
    public bool? InsecureTls { get; set; }

    /// <summary>PEM CA bundle that verifies the server certificate. Environment: <c>MLFLOW_TRACKING_SERVER_CERT_PATH</c>.</summary>
    public string? ServerCertPath { get; set; }

    /// <summary>PEM client certificate for mutual TLS; the private key may be in the same file. Environment: <c>MLFLOW_TRACKING_CLIENT_CERT_PATH</c>.</summary>
    public string? ClientCertPath { get; set; }

    /// <summary>Timeout of one HTTP attempt (default 120 s). Environment: <c>MLFLOW_HTTP_REQUEST_TIMEOUT</c> (seconds). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Maximum number of retries, 0 to 10 (default 7). Environment: <c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c>.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>Exponential backoff factor in seconds, 0 to 120 (default 2): retry n waits factor × 2^(n−1) s, none before the first retry, at most 120 s. Environment: <c>MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR</c>.</summary>
    public double? BackoffFactor { get; set; }

    /// <summary>Upper bound of a random delay added to each backoff, in seconds (default 1). Environment: <c>MLFLOW_HTTP_REQUEST_BACKOFF_JITTER</c>.</summary>
    public double? BackoffJitter { get; set; }

    /// <summary>Honour <c>Retry-After</c> (seconds or HTTP date) on 413, 429 and 503 (default true). Environment: <c>MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER</c>.</summary>
    public bool? RespectRetryAfter { get; set; }

    /// <summary>HTTP statuses that are retried (default 408, 429, 500, 502, 503, 504).</summary>
    public int[]? RetryStatusCodes { get; set; }

    /// <summary>
    /// Overall deadline of one operation across its retries (default 10 minutes): no retry is started whose delay
    /// would end past it. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it. No environment variable.
    /// </summary>
    public TimeSpan? RetryDeadline { get; set; }

    /// <summary>Workspace sent as <c>X-MLFLOW-WORKSPACE</c> on every request except workspace routes. Environment: <c>MLFLOW_WORKSPACE</c>.</summary>
    public string? Workspace { get; set; }

    /// <summary>Extra headers sent with every request. An <c>Authorization</c> entry counts as a credential.</summary>
    public Dictionary<string, string> DefaultHeaders { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Artifact settings: extra artifact stores (<c>s3://</c>, <c>wasbs://</c>, ... from the <c>Mlflow.Artifacts.*</c>
    /// packages), multipart uploads through the tracking server, parallelism. Bound from the section <c>Mlflow:Artifacts</c>.
    /// </summary>
    public Mlflow.Artifacts.MlflowArtifactOptions Artifacts { get; set; } = new();

    /// <summary>Background logging (<c>synchronous: false</c>): queue, batching interval, retries. Bound from the section <c>Mlflow:BackgroundLogging</c>.</summary>
    public MlflowBackgroundLoggingOptions BackgroundLogging { get; set; } = new();

    /// <summary>Where environment variables are read from (default: the process environment). Use <see cref="MlflowEnvironment.Empty"/> to ignore them.</summary>
    public IMlflowEnvironment? EnvironmentSource { get; set; }

    /// <summary>Resolves the effective settings: explicit options, then environment variables, then defaults.</summary>
    /// <returns>The validated settings.</returns>
    /// <exception cref="MlflowConfigurationException">The configuration is missing a tracking URI or is inconsistent.</exception>
    public MlflowSettings Resolve() => MlflowSettings.Resolve(this, EnvironmentSource ?? MlflowEnvironment.Process);

    /// <summary>Resolves the effective settings against the given environment.</summary>
    /// <param name="environment">The environment variables to use where options are not set.</param>
    /// <returns>The validated settings.</returns>
    /// <exception cref="MlflowConfigurationException">The configuration is missing a tracking URI or is inconsistent.</exception>
    public MlflowSettings Resolve(IMlflowEnvironment environment) => MlflowSettings.Resolve(this, environment);
}
