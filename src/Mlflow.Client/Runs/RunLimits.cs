using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Mlflow;

/// <summary>
/// MLflow's limits on what a run logs, and the client-side checks that apply them before anything is sent: the same
/// rules and messages as MLflow's Python client (<c>mlflow/utils/validation.py</c>), written anew.
/// </summary>
internal static partial class RunLimits
{
    /// <summary>Longest metric, param or tag key.</summary>
    public const int MaxKeyLength = 250;
    /// <summary>Longest param value (MLflow cuts longer ones when <c>MLFLOW_TRUNCATE_LONG_VALUES</c> is on).</summary>
    public const int MaxParamValueLength = 6000;
    /// <summary>Longest run tag value (cut likewise).</summary>
    public const int MaxTagValueLength = 8000;
    /// <summary>Most metrics in one log-batch request.</summary>
    public const int MaxMetricsPerBatch = 1000;
    /// <summary>Most params, and most tags, in one log-batch request.</summary>
    public const int MaxParamsTagsPerBatch = 100;
    /// <summary>Most metrics, params and tags together in one log-batch request.</summary>
    public const int MaxEntitiesPerBatch = 1000;
    /// <summary>Largest log-batch request body the client sends (MLflow's <c>MAX_BATCH_LOG_REQUEST_SIZE</c>).</summary>
    public const int MaxBatchRequestBytes = 1_000_000;

    private const string BadCharacters =
        "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).";

    // Keys already found valid: a training loop logs the same few names over and over.
    private static readonly ConcurrentDictionary<string, byte> ValidKeys = new(StringComparer.Ordinal);
    private const int ValidKeysCapacity = 10_000;

    /// <summary>Checks a metric, param or tag key; <paramref name="entity"/> is <c>Metric name</c>, <c>Param key</c> or <c>Tag key</c>.</summary>
    public static void CheckKey(string? key, string entity, string parameterName)
    {
        if (key is not null && ValidKeys.ContainsKey(key)) return;
        if (string.IsNullOrEmpty(key))
            throw new ArgumentException($"Missing value for required parameter '{parameterName}': a {entity.ToLowerInvariant()} cannot be empty.", parameterName);
        if (!NameCharacters().IsMatch(key))
            throw new ArgumentException(InvalidValue(parameterName, key, BadCharacters), parameterName);
        var normalized = NormalizePosix(key);
        if (normalized != key || normalized == "." || normalized.StartsWith("..", StringComparison.Ordinal) || normalized.StartsWith('/'))
            throw new ArgumentException(InvalidValue(parameterName, key,
                $"Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '{normalized}'"), parameterName);
        if (key.Length > MaxKeyLength)
            throw new ArgumentException(TooLong(entity, key, MaxKeyLength), parameterName);
        if (ValidKeys.Count < ValidKeysCapacity) ValidKeys.TryAdd(key, 0);
    }

    /// <summary>Checks a metric's timestamp (non-negative milliseconds since the epoch).</summary>
    public static void CheckTimestamp(string key, double value, long timestamp, string parameterName)
    {
        if (timestamp < 0)
            throw new ArgumentOutOfRangeException(parameterName, timestamp,
                $"Invalid value {timestamp} for parameter 'timestamp' supplied: metric '{key}' (value={value.ToString(CultureInfo.InvariantCulture)}). Timestamp must be a nonnegative long (64-bit integer) ");
    }

    /// <summary>
    /// A param or tag value within its limit: cut to it (with a warning) when <paramref name="truncate"/> is on, as
    /// MLflow's client does with <c>MLFLOW_TRUNCATE_LONG_VALUES</c>, else an error.
    /// </summary>
    public static string CheckValue(string? value, string entity, int limit, bool truncate, ILogger? logger, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (value.Length <= limit) return value;
        if (!truncate) throw new ArgumentException(TooLong(entity, value, limit), parameterName);
        logger?.LogWarning("{Entity} '{Start}...' ({Length} characters) is truncated to {Limit} characters to meet the length limit.", entity, value[..100], value.Length, limit);
        return value[..limit];
    }

    /// <summary>MLflow's <c>&lt;entity&gt; '&lt;start&gt;' had length N, which exceeded length limit of L</c>.</summary>
    public static string TooLong(string entity, string value, int limit) =>
        $"{entity} '{(value.Length > 250 ? value[..250] : value)}' had length {value.Length}, which exceeded length limit of {limit}";

    /// <summary>MLflow's <c>Invalid value "x" for parameter 'p' supplied: why</c>.</summary>
    private static string InvalidValue(string parameter, string value, string why) =>
        $"Invalid value \"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\" for parameter '{parameter}' supplied: {why}";

    /// <summary>MLflow's message for a batch with two values of one param key.</summary>
    public static string DuplicateParams(IEnumerable<string> keys) =>
        $"Duplicate parameter keys have been submitted: [{string.Join(", ", keys.Select(k => "'" + k + "'"))}]. Please ensure the request contains only one param value per param key.";

    /// <summary><c>posixpath.normpath</c>: collapses <c>.</c>, <c>..</c> and repeated slashes.</summary>
    private static string NormalizePosix(string path)
    {
        if (!path.Contains('/', StringComparison.Ordinal)) return path;
        var leading = path.StartsWith('/') ? (path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal) ? 2 : 1) : 0;
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part != ".." || (leading == 0 && parts.Count == 0) || (parts.Count > 0 && parts[^1] == "..")) parts.Add(part);
            else if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
        }
        var joined = new string('/', leading) + string.Join('/', parts);
        return joined.Length == 0 ? "." : joined;
    }

    [GeneratedRegex(@"^[/\w.\- :]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameCharacters();

    // ------------------------------------------------------------------ request sizes

    /// <summary>
    /// An upper bound of the bytes a string takes inside a JSON string literal as the client writes it
    /// (System.Text.Json escapes non-ASCII and HTML-sensitive characters as <c>\uXXXX</c>).
    /// </summary>
    public static int JsonBytes(string? text)
    {
        if (text is null) return 4;
        var bytes = 2;
        foreach (var ch in text)
        {
            bytes += ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or ' ' or '_' or '-' or '.' or '/' or ':' ? 1 : 6;
        }
        return bytes;
    }

    /// <summary>Upper bound of a metric's bytes in a log-batch body (field names, numbers, separators).</summary>
    public static int JsonBytes(Client.Models.Metric metric) =>
        96 + JsonBytes(metric.Key)
        + (metric.DatasetName is null ? 0 : 20 + JsonBytes(metric.DatasetName))
        + (metric.DatasetDigest is null ? 0 : 20 + JsonBytes(metric.DatasetDigest))
        + (metric.ModelId is null ? 0 : 16 + JsonBytes(metric.ModelId));

    /// <summary>Upper bound of a param's or tag's bytes in a log-batch body.</summary>
    public static int JsonBytes(string key, string value) => 24 + JsonBytes(key) + JsonBytes(value);

    /// <summary>Upper bound of a log-batch body's envelope (run id, array names, braces).</summary>
    public static int EnvelopeBytes(string runId) => 64 + JsonBytes(runId);

    /// <summary>Reads a boolean environment variable as MLflow does (<c>true</c>/<c>1</c>, <c>false</c>/<c>0</c>).</summary>
    public static bool? ParseBool(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };
}
