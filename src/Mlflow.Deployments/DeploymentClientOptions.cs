using System.Globalization;

namespace Mlflow.Deployments;

/// <summary>
/// HTTP settings of the built-in targets, with MLflow's deployments-client defaults: retries on 429, 500, 502 and
/// 503 (not 408 or 504), urllib3-style exponential backoff, <c>Retry-After</c> honoured on 429/503, a 300 s
/// request timeout and a 120 s predict timeout. <see cref="FromEnvironment"/> reads the same environment variables
/// as MLflow.
/// </summary>
public sealed class DeploymentClientOptions
{
    /// <summary>Retries after the first attempt (<c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c>, default 7).</summary>
    public int MaxRetries { get; set; } = 7;

    /// <summary>Backoff factor in seconds (<c>MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR</c>, default 2): no wait before the
    /// first retry, then factor × 2^(n−1) (4, 8, 16, ... s).</summary>
    public double BackoffFactor { get; set; } = 2;

    /// <summary>Random extra wait of up to this many seconds per backoff (<c>MLFLOW_HTTP_REQUEST_BACKOFF_JITTER</c>, default 1).</summary>
    public double BackoffJitter { get; set; } = 1.0;

    /// <summary>Longest backoff wait (urllib3's cap, 120 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Wait as long as <c>Retry-After</c> says on 429 and 503 (<c>MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER</c>, default true).</summary>
    public bool RespectRetryAfterHeader { get; set; } = true;

    /// <summary>Statuses that are retried (MLflow's <c>MLFLOW_DEPLOYMENT_CLIENT_REQUEST_RETRY_CODES</c>).</summary>
    public ISet<int> RetryStatusCodes { get; set; } = new HashSet<int> { 429, 500, 502, 503 };

    /// <summary>Timeout of each non-predict request (<c>MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT</c>, default 300 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Timeout of each predict request (<c>MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT</c>, default 120 s); for streaming
    /// predictions it bounds the wait for the response headers.
    /// </summary>
    public TimeSpan PredictTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Clock for timeouts and backoff waits (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Source of the jitter fraction in [0, 1); <see cref="Random.Shared"/> by default.</summary>
    public Func<double> JitterSource { get; set; } = Random.Shared.NextDouble;

    /// <summary>
    /// The HttpClient to use (its handlers can add authentication). When null the client makes its own, with an
    /// infinite <see cref="HttpClient.Timeout"/> so that the timeouts above govern; a supplied client's own
    /// <see cref="HttpClient.Timeout"/> (100 s by default) still applies, so set it to
    /// <see cref="Timeout.InfiniteTimeSpan"/> to keep MLflow's 120 s / 300 s.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Headers added to every request (e.g. <c>Authorization</c> for a tracking server with auth).</summary>
    public IDictionary<string, string> DefaultHeaders { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads MLflow's environment variables; unset ones keep the defaults.</summary>
    /// <param name="getEnvironmentVariable">Lookup (default <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    public static DeploymentClientOptions FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var options = new DeploymentClientOptions();
        if (Number(env, "MLFLOW_HTTP_REQUEST_MAX_RETRIES") is { } retries)
        {
            options.MaxRetries = (int)retries;
        }

        if (Number(env, "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR") is { } factor)
        {
            options.BackoffFactor = factor;
        }

        if (Number(env, "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER") is { } jitter)
        {
            options.BackoffJitter = jitter;
        }

        if (env("MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER") is { Length: > 0 } respect)
        {
            options.RespectRetryAfterHeader = respect.Trim().ToLowerInvariant() is "true" or "1";
        }

        if (Number(env, "MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT") is { } timeout)
        {
            options.RequestTimeout = TimeSpan.FromSeconds(timeout);
        }

        if (Number(env, "MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT") is { } predict)
        {
            options.PredictTimeout = TimeSpan.FromSeconds(predict);
        }

        return options;
    }

    private static double? Number(Func<string, string?> env, string name)
    {
        var text = env(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DeploymentsException($"Environment variable {name}='{text}' is not a number.");
    }
}
