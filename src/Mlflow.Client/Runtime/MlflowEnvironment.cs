namespace Mlflow;

/// <summary>
/// Where <see cref="MlflowClientOptions"/> reads MLflow's environment variables from. The default is the process
/// environment (<see cref="MlflowEnvironment.Process"/>); tests and hosts that keep settings elsewhere pass their own.
/// </summary>
public interface IMlflowEnvironment
{
    /// <summary>Returns the value of an environment variable, or <see langword="null"/> when it is not set.</summary>
    /// <param name="name">The variable name, e.g. <c>MLFLOW_TRACKING_URI</c>.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    string? GetVariable(string name);

    /// <summary>
    /// The text of MLflow's credentials file (<c>~/.mlflow/credentials</c>, INI section <c>[mlflow]</c> with
    /// <c>mlflow_tracking_username</c> / <c>mlflow_tracking_password</c>), or <see langword="null"/> when there is none.
    /// </summary>
    /// <returns>The file's text, or <see langword="null"/>.</returns>
    string? ReadCredentialsFile() => null;
}

/// <summary>Ready-made <see cref="IMlflowEnvironment"/> sources.</summary>
public static class MlflowEnvironment
{
    /// <summary>The process environment (<see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
    public static IMlflowEnvironment Process { get; } = new ProcessEnvironment();

    /// <summary>An environment with no variables: only explicit options and defaults apply.</summary>
    public static IMlflowEnvironment Empty { get; } = FromDictionary(new Dictionary<string, string?>());

    /// <summary>An environment backed by a dictionary (names are case-sensitive, as on Linux).</summary>
    /// <param name="variables">Variable names and values.</param>
    /// <param name="credentialsFile">Optional text of a <c>~/.mlflow/credentials</c> file.</param>
    /// <returns>The environment.</returns>
    public static IMlflowEnvironment FromDictionary(IReadOnlyDictionary<string, string?> variables, string? credentialsFile = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new DictionaryEnvironment(variables, credentialsFile);
    }

    /// <summary>Reads <c>mlflow_tracking_username</c> / <c>mlflow_tracking_password</c> from the <c>[mlflow]</c> section of a credentials file's text.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The user name and password found (either may be <see langword="null"/>).</returns>
    public static (string? Username, string? Password) ParseCredentialsFile(string? text)
    {
        string? username = null, password = null;
        if (string.IsNullOrEmpty(text)) return (username, password);
        var inSection = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                inSection = line.Equals("[mlflow]", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (!inSection || separator <= 0) continue;
            var key = line[..separator].Trim();
            var value = line[(separator + 1)..].Trim();
            if (key.Equals("mlflow_tracking_username", StringComparison.OrdinalIgnoreCase)) username = value.Length == 0 ? null : value;
            else if (key.Equals("mlflow_tracking_password", StringComparison.OrdinalIgnoreCase)) password = value.Length == 0 ? null : value;
        }

        return (username, password);
    }

    private sealed class ProcessEnvironment : IMlflowEnvironment
    {
        public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

        public string? ReadCredentialsFile()
        {
            try
            {
                var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrEmpty(home)) return null;
                var path = Path.Combine(home, ".mlflow", "credentials");
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    private sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string?> variables, string? credentialsFile) : IMlflowEnvironment
    {
        public string? GetVariable(string name) => variables.TryGetValue(name, out var value) ? value : null;

        public string? ReadCredentialsFile() => credentialsFile;
    }
}

/// <summary>The names of the environment variables the SDK reads (the same ones MLflow's Python client reads).</summary>
public static class MlflowEnvironmentVariables
{
    /// <summary>Tracking server URL (<c>http(s)://host[:port][/prefix]</c>).</summary>
    public const string TrackingUri = "MLFLOW_TRACKING_URI";
    /// <summary>HTTP Basic user name (used only together with <see cref="TrackingPassword"/>).</summary>
    public const string TrackingUsername = "MLFLOW_TRACKING_USERNAME";
    /// <summary>HTTP Basic password (used only together with <see cref="TrackingUsername"/>).</summary>
    public const string TrackingPassword = "MLFLOW_TRACKING_PASSWORD";
    /// <summary>Bearer token.</summary>
    public const string TrackingToken = "MLFLOW_TRACKING_TOKEN";
    /// <summary><c>true</c> to skip TLS certificate verification.</summary>
    public const string TrackingInsecureTls = "MLFLOW_TRACKING_INSECURE_TLS";
    /// <summary>PEM CA bundle used to verify the server certificate.</summary>
    public const string TrackingServerCertPath = "MLFLOW_TRACKING_SERVER_CERT_PATH";
    /// <summary>PEM client certificate (may include its private key) for mutual TLS.</summary>
    public const string TrackingClientCertPath = "MLFLOW_TRACKING_CLIENT_CERT_PATH";
    /// <summary>Per-request timeout in seconds.</summary>
    public const string HttpRequestTimeout = "MLFLOW_HTTP_REQUEST_TIMEOUT";
    /// <summary>Maximum number of retries (0 to 10).</summary>
    public const string HttpRequestMaxRetries = "MLFLOW_HTTP_REQUEST_MAX_RETRIES";
    /// <summary>Exponential backoff factor in seconds (0 to 120).</summary>
    public const string HttpRequestBackoffFactor = "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR";
    /// <summary>Upper bound of the random jitter added to each backoff, in seconds.</summary>
    public const string HttpRequestBackoffJitter = "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER";
    /// <summary><c>true</c>/<c>false</c>: honour <c>Retry-After</c> on 413, 429 and 503.</summary>
    public const string HttpRespectRetryAfterHeader = "MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER";
    /// <summary>Active workspace, sent as <c>X-MLFLOW-WORKSPACE</c>.</summary>
    public const string Workspace = "MLFLOW_WORKSPACE";
}
