using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Mlflow.Deployments;

/// <summary>
/// HTTP settings of the built-in targets, with MLflow's deployments-client defaults: retries on 429, 500, 502 and
/// 503 (not 408 or 504), urllib3-style exponential backoff, <c>Retry-After</c> honoured, a 300 s request timeout and a
/// 120 s predict timeout, timed-out attempts not retried. <see cref="FromEnvironment"/> reads the same environment
/// variables as MLflow.
/// </summary>
/// <remarks>
/// These options are a deployments view of <see cref="MlflowClientOptions"/>: a client resolves them, for its target
/// URI, into the same <see cref="MlflowSettings"/> (same validation, same credential and TLS rules and environment
/// variables: <c>MLFLOW_TRACKING_USERNAME</c>/<c>PASSWORD</c>, <c>MLFLOW_TRACKING_TOKEN</c>,
/// <c>MLFLOW_TRACKING_INSECURE_TLS</c>, ... as MLflow's deployments client takes them from
/// <c>get_default_host_creds</c>) and sends every request through the same <see cref="MlflowHttpPipeline"/> as
/// <see cref="MlflowClient"/>: retries, per-attempt timeouts, authentication, logging, tracing and error translation.
/// </remarks>
public sealed class DeploymentClientOptions
{
    /// <summary>Default retry count (MLflow: <c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c> = 7).</summary>
    public const int DefaultMaxRetries = MlflowSettings.DefaultMaxRetries;

    /// <summary>Default timeout of a non-predict request (MLflow: <c>MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT</c> = 300 s).</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(300);

    /// <summary>Default timeout of a predict request (MLflow: <c>MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT</c> = 120 s).</summary>
    public static readonly TimeSpan DefaultPredictTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Statuses MLflow's deployments client retries (<c>MLFLOW_DEPLOYMENT_CLIENT_REQUEST_RETRY_CODES</c>): 429, 500, 502, 503.</summary>
    public static readonly IReadOnlyList<int> DefaultRetryStatusCodes = [429, 500, 502, 503];

    /// <summary>Retries after the first attempt, 0 to 10 (<c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c>, default 7).</summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>Backoff factor in seconds, 0 to 120 (<c>MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR</c>, default 2): no wait before the
    /// first retry, then factor × 2^(n−1) (4, 8, 16, ... s), at most 120 s.</summary>
    public double BackoffFactor { get; set; } = MlflowSettings.DefaultBackoffFactor;

    /// <summary>Random extra wait of up to this many seconds per backoff (<c>MLFLOW_HTTP_REQUEST_BACKOFF_JITTER</c>, default 1).</summary>
    public double BackoffJitter { get; set; } = MlflowSettings.DefaultBackoffJitter;

    /// <summary>Wait as long as <c>Retry-After</c> says on 413, 429 and 503 (<c>MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER</c>, default true).</summary>
    public bool RespectRetryAfterHeader { get; set; } = true;

    /// <summary>Statuses that are retried (MLflow's <c>MLFLOW_DEPLOYMENT_CLIENT_REQUEST_RETRY_CODES</c>: 429, 500, 502, 503).</summary>
    public ISet<int> RetryStatusCodes { get; set; } = new HashSet<int>(DefaultRetryStatusCodes);

    /// <summary>Timeout of each attempt of a non-predict request (<c>MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT</c>, default 300 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>
    /// Timeout of each attempt of a predict request (<c>MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT</c>, default 120 s); for
    /// streaming predictions it bounds the wait for the response headers.
    /// </summary>
    public TimeSpan PredictTimeout { get; set; } = DefaultPredictTimeout;

    /// <summary>Clock for timeouts and backoff waits (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>HTTP Basic user name; needs <see cref="Password"/>. Environment: <c>MLFLOW_TRACKING_USERNAME</c>.</summary>
    public string? Username { get; set; }

    /// <summary>HTTP Basic password; needs <see cref="Username"/>. Environment: <c>MLFLOW_TRACKING_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary>Bearer token. Environment: <c>MLFLOW_TRACKING_TOKEN</c>.</summary>
    public string? Token { get; set; }

    /// <summary>Headers added to every request. An <c>Authorization</c> entry counts as a credential, as for <see cref="MlflowClientOptions.DefaultHeaders"/>.</summary>
    public IDictionary<string, string> DefaultHeaders { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where credential, TLS and workspace environment variables are read from (default: the process environment).</summary>
    public IMlflowEnvironment? EnvironmentSource { get; set; }

    /// <summary>Logger factory for the pipeline's Debug request log (category <c>Mlflow.Client.Http</c>).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The handler that does the I/O, under the pipeline (an in-process handler in tests); default: a socket handler
    /// with the TLS settings.
    /// </summary>
    public HttpMessageHandler? InnerHandler { get; set; }

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> whose handler chain already holds <see cref="MlflowHttpPipeline"/>
    /// (one from <c>IHttpClientFactory</c> with the pipeline's handlers, say); it is used as is and not disposed. When
    /// null, the client builds the pipeline over <see cref="InnerHandler"/>. A supplied client's own
    /// <see cref="System.Net.Http.HttpClient.Timeout"/> still applies (set it to <see cref="Timeout.InfiniteTimeSpan"/>
    /// to keep MLflow's 120 s / 300 s).
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Reads MLflow's environment variables; unset ones keep the defaults.</summary>
    /// <param name="getEnvironmentVariable">Lookup (default <see cref="Environment.GetEnvironmentVariable(string)"/>); it also
    /// becomes the <see cref="EnvironmentSource"/> of the credential and TLS variables.</param>
    /// <returns>The options.</returns>
    /// <exception cref="MlflowConfigurationException">A variable is not a number or out of MLflow's range.</exception>
    public static DeploymentClientOptions FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var options = new DeploymentClientOptions
        {
            EnvironmentSource = getEnvironmentVariable is null ? MlflowEnvironment.Process : new LookupEnvironment(env),
        };
        if (Number(env, MlflowEnvironmentVariables.HttpRequestMaxRetries) is { } retries)
        {
            options.MaxRetries = retries == Math.Floor(retries) && retries is >= 0 and <= MlflowSettings.MaxRetriesLimit
                ? (int)retries
                : throw new MlflowConfigurationException(string.Create(CultureInfo.InvariantCulture,
                    $"{MlflowEnvironmentVariables.HttpRequestMaxRetries} must be a whole number from 0 to {MlflowSettings.MaxRetriesLimit}, as in MLflow (got '{env(MlflowEnvironmentVariables.HttpRequestMaxRetries)}')."));
        }

        if (Number(env, MlflowEnvironmentVariables.HttpRequestBackoffFactor) is { } factor)
        {
            options.BackoffFactor = factor;
        }

        if (Number(env, MlflowEnvironmentVariables.HttpRequestBackoffJitter) is { } jitter)
        {
            options.BackoffJitter = jitter;
        }

        if (env(MlflowEnvironmentVariables.HttpRespectRetryAfterHeader) is { Length: > 0 } respect)
        {
            options.RespectRetryAfterHeader = respect.Trim().ToLowerInvariant() switch
            {
                "true" or "1" => true,
                "false" or "0" => false,
                _ => throw new MlflowConfigurationException($"{MlflowEnvironmentVariables.HttpRespectRetryAfterHeader} must be 'true' or 'false' (got '{respect}')."),
            };
        }

        if (Number(env, RequestTimeoutVariable) is { } timeout)
        {
            options.RequestTimeout = Seconds(timeout, RequestTimeoutVariable);
        }

        if (Number(env, PredictTimeoutVariable) is { } predict)
        {
            options.PredictTimeout = Seconds(predict, PredictTimeoutVariable);
        }

        return options;
    }

    /// <summary>MLflow's timeout of non-predict deployments requests, in seconds.</summary>
    internal const string RequestTimeoutVariable = "MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT";

    /// <summary>MLflow's timeout of predict requests, in seconds.</summary>
    internal const string PredictTimeoutVariable = "MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT";

    /// <summary>
    /// The shared client options these options stand for, for <paramref name="baseUri"/>: the tracking URI is the
    /// target's base URI, the retry settings and the request timeout are these options' own.
    /// </summary>
    /// <param name="baseUri">The target's base URI (http or https, path prefix kept).</param>
    /// <returns>The client options.</returns>
    public MlflowClientOptions ToClientOptions(Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return new MlflowClientOptions
        {
            TrackingUri = baseUri.AbsoluteUri,
            MaxRetries = MaxRetries,
            BackoffFactor = BackoffFactor,
            BackoffJitter = BackoffJitter,
            RespectRetryAfter = RespectRetryAfterHeader,
            RetryStatusCodes = [.. RetryStatusCodes ?? new HashSet<int>(DefaultRetryStatusCodes)],
            Timeout = RequestTimeout,
            Username = Username,
            Password = Password,
            Token = Token,
            DefaultHeaders = new Dictionary<string, string>(DefaultHeaders ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase),
            EnvironmentSource = EnvironmentSource ?? MlflowEnvironment.Process,
        };
    }

    /// <summary>Validates the options and resolves them for <paramref name="baseUri"/> into the shared settings.</summary>
    /// <param name="baseUri">The target's base URI.</param>
    /// <returns>The settings the pipeline runs on.</returns>
    /// <exception cref="MlflowConfigurationException">An option is out of MLflow's range or the credentials conflict.</exception>
    public MlflowSettings Resolve(Uri baseUri)
    {
        MlflowSettings.ValidateTimeout(RequestTimeout, $"{RequestTimeoutVariable} / DeploymentClientOptions.RequestTimeout");
        MlflowSettings.ValidateTimeout(PredictTimeout, $"{PredictTimeoutVariable} / DeploymentClientOptions.PredictTimeout");
        return ToClientOptions(baseUri).Resolve();
    }

    private static double? Number(Func<string, string?> env, string name)
    {
        var text = env(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new MlflowConfigurationException($"Environment variable {name}='{text}' is not a number.");
    }

    private static TimeSpan Seconds(double seconds, string name) =>
        seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new MlflowConfigurationException(string.Create(CultureInfo.InvariantCulture, $"{name} must be a positive number of seconds, as in MLflow (got {seconds})."));

    private sealed class LookupEnvironment(Func<string, string?> lookup) : IMlflowEnvironment
    {
        public string? GetVariable(string name) => lookup(name);
    }
}
