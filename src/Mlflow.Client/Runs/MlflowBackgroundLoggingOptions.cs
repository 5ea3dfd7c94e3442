namespace Mlflow;

/// <summary>
/// How calls made with <c>synchronous: false</c> are queued and sent (bound from the configuration section
/// <c>Mlflow:BackgroundLogging</c> with <c>AddMlflowClient</c>). Anything left <see langword="null"/> comes from the
/// environment, then from the default.
/// </summary>
public sealed class MlflowBackgroundLoggingOptions
{
    /// <summary>
    /// Whether logging calls whose <c>synchronous</c> argument is left <see langword="null"/> go through the background
    /// logger (default false). Environment: <c>MLFLOW_ENABLE_ASYNC_LOGGING</c>.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>How many metrics, params and tags the queue holds before a logging call waits for room (default 100,000, a few MB).</summary>
    public int? QueueCapacity { get; set; }

    /// <summary>
    /// How long the logger waits for more entries before it sends a batch that is not full (default 50 ms). Environment:
    /// <c>MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS</c>.
    /// </summary>
    public TimeSpan? BatchInterval { get; set; }

    /// <summary>
    /// How long a batch that fails with a transient error (connection refused, timeout, 5xx, 429) is sent again, after
    /// the HTTP pipeline's own retries, before its entries are reported as not logged (default: the client's
    /// <see cref="MlflowClientOptions.RetryDeadline"/>, 10 minutes).
    /// </summary>
    public TimeSpan? RetryTimeout { get; set; }
}

/// <summary>The effective background logging settings (<see cref="MlflowBackgroundLoggingOptions"/> resolved).</summary>
public sealed class MlflowBackgroundLoggingSettings
{
    /// <summary>The default queue capacity.</summary>
    public const int DefaultQueueCapacity = 100_000;

    /// <summary>The default batch interval.</summary>
    public static readonly TimeSpan DefaultBatchInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether calls with <c>synchronous: null</c> are logged in the background.</summary>
    public bool Enabled { get; init; }

    /// <summary>Entries the queue holds before a caller waits.</summary>
    public int QueueCapacity { get; init; } = DefaultQueueCapacity;

    /// <summary>The longest wait for a batch to fill.</summary>
    public TimeSpan BatchInterval { get; init; } = DefaultBatchInterval;

    /// <summary>How long transient failures of a batch are retried; null: the client's retry deadline.</summary>
    public TimeSpan? RetryTimeout { get; init; }

    /// <summary>
    /// Whether param and tag values over MLflow's limits are cut to them (with a warning) rather than refused, as
    /// <c>MLFLOW_TRUNCATE_LONG_VALUES</c> (default true) says.
    /// </summary>
    public bool TruncateLongValues { get; init; } = true;

    /// <summary>Resolves options against an environment.</summary>
    /// <param name="options">Explicit options (null: none).</param>
    /// <param name="environment">Environment variables.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="MlflowConfigurationException">A value out of range.</exception>
    public static MlflowBackgroundLoggingSettings Resolve(MlflowBackgroundLoggingOptions? options, IMlflowEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        options ??= new MlflowBackgroundLoggingOptions();
        var capacity = options.QueueCapacity ?? DefaultQueueCapacity;
        if (capacity < 1) throw new MlflowConfigurationException($"BackgroundLogging.QueueCapacity must be at least 1 (got {capacity}).");
        var interval = options.BatchInterval;
        if (interval is null && environment.GetVariable("MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS") is { Length: > 0 } seconds)
        {
            if (!double.TryParse(seconds, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) || s < 0)
                throw new MlflowConfigurationException($"MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS must be a non-negative number of seconds (got '{seconds}').");
            interval = TimeSpan.FromSeconds(s);
        }
        if (interval < TimeSpan.Zero) throw new MlflowConfigurationException("BackgroundLogging.BatchInterval cannot be negative.");
        if (options.RetryTimeout < TimeSpan.Zero) throw new MlflowConfigurationException("BackgroundLogging.RetryTimeout cannot be negative.");
        return new MlflowBackgroundLoggingSettings
        {
            Enabled = options.Enabled ?? RunLimits.ParseBool(environment.GetVariable(EnableAsyncLoggingVariable)) ?? false,
            QueueCapacity = capacity,
            BatchInterval = interval ?? DefaultBatchInterval,
            RetryTimeout = options.RetryTimeout,
            TruncateLongValues = RunLimits.ParseBool(environment.GetVariable(TruncateLongValuesVariable)) ?? true,
        };
    }

    /// <summary>MLflow's switch for background logging.</summary>
    public const string EnableAsyncLoggingVariable = "MLFLOW_ENABLE_ASYNC_LOGGING";

    /// <summary>MLflow's switch for cutting long param and tag values.</summary>
    public const string TruncateLongValuesVariable = "MLFLOW_TRUNCATE_LONG_VALUES";
}
