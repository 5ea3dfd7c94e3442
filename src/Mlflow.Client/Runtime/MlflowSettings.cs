using System.Globalization;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Mlflow;

/// <summary>How requests are authenticated.</summary>
public enum MlflowAuthenticationKind
{
    /// <summary>No credentials.</summary>
    None,
    /// <summary>HTTP Basic (<c>Authorization: Basic ...</c>).</summary>
    Basic,
    /// <summary>Bearer token (<c>Authorization: Bearer ...</c>).</summary>
    Bearer,
    /// <summary>A custom Kiota <see cref="IAuthenticationProvider"/>.</summary>
    Custom,
    /// <summary>An <c>Authorization</c> header given in <see cref="MlflowClientOptions.DefaultHeaders"/>.</summary>
    Header,
}

/// <summary>
/// The effective, validated settings of a client: <see cref="MlflowClientOptions"/> after the environment variables
/// and defaults were applied (see <see cref="MlflowClientOptions.Resolve()"/>). Immutable.
/// </summary>
public sealed class MlflowSettings
{
    /// <summary>Default per-attempt timeout (MLflow: <c>MLFLOW_HTTP_REQUEST_TIMEOUT</c> = 120 s).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);
    /// <summary>Default retry count (MLflow: 7).</summary>
    public const int DefaultMaxRetries = 7;
    /// <summary>Largest retry count MLflow accepts (10).</summary>
    public const int MaxRetriesLimit = 10;
    /// <summary>Default backoff factor in seconds (MLflow: 2).</summary>
    public const double DefaultBackoffFactor = 2;
    /// <summary>Largest backoff factor MLflow accepts (120).</summary>
    public const double BackoffFactorLimit = 120;
    /// <summary>Default jitter in seconds (MLflow: 1).</summary>
    public const double DefaultBackoffJitter = 1;
    /// <summary>Longest single backoff (urllib3's cap, 120 s).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(120);
    /// <summary>Default overall retry deadline (10 minutes).</summary>
    public static readonly TimeSpan DefaultRetryDeadline = TimeSpan.FromMinutes(10);
    /// <summary>Statuses MLflow's Python client retries: 408, 429, 500, 502, 503, 504.</summary>
    public static readonly IReadOnlyList<int> DefaultRetryStatusCodes = [408, 429, 500, 502, 503, 504];

    private MlflowSettings() { }

    /// <summary>Tracking URI as given (scheme http or https), without a trailing slash.</summary>
    public required Uri TrackingUri { get; init; }

    /// <summary>The Kiota base URL: <see cref="TrackingUri"/> as text, path prefix kept, no trailing slash.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>How requests are authenticated.</summary>
    public MlflowAuthenticationKind AuthenticationKind { get; init; }

    /// <summary>HTTP Basic user name, when <see cref="AuthenticationKind"/> is <see cref="MlflowAuthenticationKind.Basic"/>.</summary>
    public string? Username { get; init; }

    /// <summary>HTTP Basic password (a secret: never logged).</summary>
    public string? Password { get; init; }

    /// <summary>Bearer token (a secret: never logged).</summary>
    public string? Token { get; init; }

    /// <summary>Custom Kiota authentication provider.</summary>
    public IAuthenticationProvider? AuthenticationProvider { get; init; }

    /// <summary>Skip TLS verification.</summary>
    public bool InsecureTls { get; init; }

    /// <summary>PEM CA bundle for the server certificate.</summary>
    public string? ServerCertPath { get; init; }

    /// <summary>PEM client certificate (mutual TLS).</summary>
    public string? ClientCertPath { get; init; }

    /// <summary>Per-attempt timeout (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: none).</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Maximum number of retries.</summary>
    public int MaxRetries { get; init; }

    /// <summary>Backoff factor in seconds.</summary>
    public double BackoffFactor { get; init; }

    /// <summary>Jitter bound in seconds.</summary>
    public double BackoffJitter { get; init; }

    /// <summary>Whether <c>Retry-After</c> is honoured on 413, 429 and 503.</summary>
    public bool RespectRetryAfter { get; init; }

    /// <summary>Retried HTTP statuses.</summary>
    public required IReadOnlySet<int> RetryStatusCodes { get; init; }

    /// <summary>Overall retry deadline (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: none).</summary>
    public TimeSpan RetryDeadline { get; init; }

    /// <summary>Workspace sent as <c>X-MLFLOW-WORKSPACE</c>, or <see langword="null"/>.</summary>
    public string? Workspace { get; init; }

    /// <summary>Extra headers sent with every request.</summary>
    public required IReadOnlyDictionary<string, string> DefaultHeaders { get; init; }

    /// <summary>The environment the settings were resolved against (artifact stores read their own variables from it).</summary>
    public IMlflowEnvironment Environment { get; init; } = MlflowEnvironment.Process;

    /// <summary>Artifact transfer settings and the registered artifact stores.</summary>
    public Mlflow.Artifacts.MlflowArtifactSettings Artifacts { get; init; } = Mlflow.Artifacts.MlflowArtifactSettings.Default;

    /// <summary>Background logging settings (<c>synchronous: false</c>, <c>MLFLOW_ENABLE_ASYNC_LOGGING</c>, <c>MLFLOW_TRUNCATE_LONG_VALUES</c>).</summary>
    public MlflowBackgroundLoggingSettings BackgroundLogging { get; init; } = new();

    /// <summary>Resolves options against an environment; see <see cref="MlflowClientOptions"/> for the precedence.</summary>
    /// <param name="options">Explicit options.</param>
    /// <param name="environment">Environment variables.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="MlflowConfigurationException">Missing or inconsistent configuration.</exception>
    public static MlflowSettings Resolve(MlflowClientOptions options, IMlflowEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        string? Env(string name)
        {
            var value = environment.GetVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        var uriText = NullIfEmpty(options.TrackingUri) ?? Env(MlflowEnvironmentVariables.TrackingUri);
        var (uri, baseUrl) = ParseTrackingUri(NullIfEmpty(options.TrackingUri), Env(MlflowEnvironmentVariables.TrackingUri));

        var headers = new Dictionary<string, string>(options.DefaultHeaders ?? [], StringComparer.OrdinalIgnoreCase);
        var auth = ResolveCredentials(options, headers, Env, environment);
        if (auth.Kind == MlflowAuthenticationKind.None && UserInfoCredentials(uriText) is { } fromUri)
        {
            auth = new Credentials(MlflowAuthenticationKind.Basic, fromUri.User, fromUri.Password);
        }

        var insecure = options.InsecureTls ?? ParseBool(Env(MlflowEnvironmentVariables.TrackingInsecureTls), MlflowEnvironmentVariables.TrackingInsecureTls) ?? false;
        var serverCert = NullIfEmpty(options.ServerCertPath) ?? Env(MlflowEnvironmentVariables.TrackingServerCertPath);
        var clientCert = NullIfEmpty(options.ClientCertPath) ?? Env(MlflowEnvironmentVariables.TrackingClientCertPath);
        if (insecure && serverCert is not null)
        {
            throw new MlflowConfigurationException(
                "Insecure TLS (MLFLOW_TRACKING_INSECURE_TLS / InsecureTls) and a server certificate (MLFLOW_TRACKING_SERVER_CERT_PATH / ServerCertPath) " +
                "are mutually exclusive: either verify the server with the CA bundle or skip verification, not both.");
        }

        var timeout = options.Timeout ?? ParseSeconds(Env(MlflowEnvironmentVariables.HttpRequestTimeout), MlflowEnvironmentVariables.HttpRequestTimeout) ?? DefaultTimeout;
        ValidateTimeout(timeout, "MLFLOW_HTTP_REQUEST_TIMEOUT / MlflowClientOptions.Timeout");

        var maxRetries = options.MaxRetries ?? ParseInt(Env(MlflowEnvironmentVariables.HttpRequestMaxRetries), MlflowEnvironmentVariables.HttpRequestMaxRetries) ?? DefaultMaxRetries;
        if (maxRetries is < 0 or > MaxRetriesLimit)
        {
            throw new MlflowConfigurationException($"The maximum number of retries must be between 0 and {MaxRetriesLimit} (got {maxRetries}), as in MLflow.");
        }

        var factor = options.BackoffFactor ?? ParseDouble(Env(MlflowEnvironmentVariables.HttpRequestBackoffFactor), MlflowEnvironmentVariables.HttpRequestBackoffFactor) ?? DefaultBackoffFactor;
        if (double.IsNaN(factor) || factor is < 0 or > BackoffFactorLimit)
        {
            throw new MlflowConfigurationException($"The backoff factor must be between 0 and {BackoffFactorLimit} seconds (got {factor}), as in MLflow.");
        }

        var jitter = options.BackoffJitter ?? ParseDouble(Env(MlflowEnvironmentVariables.HttpRequestBackoffJitter), MlflowEnvironmentVariables.HttpRequestBackoffJitter) ?? DefaultBackoffJitter;
        if (double.IsNaN(jitter) || double.IsInfinity(jitter) || jitter < 0)
        {
            throw new MlflowConfigurationException($"The backoff jitter must be a non-negative number of seconds (got {jitter}).");
        }

        var respectRetryAfter = options.RespectRetryAfter
            ?? ParseBool(Env(MlflowEnvironmentVariables.HttpRespectRetryAfterHeader), MlflowEnvironmentVariables.HttpRespectRetryAfterHeader)
            ?? true;

        var deadline = options.RetryDeadline ?? DefaultRetryDeadline;
        if (deadline <= TimeSpan.Zero && deadline != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new MlflowConfigurationException($"The retry deadline must be positive (got {deadline}).");
        }

        var statuses = options.RetryStatusCodes ?? [.. DefaultRetryStatusCodes];
        if (statuses.Any(s => s is < 100 or > 599))
        {
            throw new MlflowConfigurationException("Retry status codes must be HTTP statuses (100-599).");
        }

        var workspace = NullIfEmpty(options.Workspace) ?? Env(MlflowEnvironmentVariables.Workspace);

        return new MlflowSettings
        {
            TrackingUri = uri,
            BaseUrl = baseUrl,
            AuthenticationKind = auth.Kind,
            Username = auth.Username,
            Password = auth.Password,
            Token = auth.Token,
            AuthenticationProvider = auth.Provider,
            InsecureTls = insecure,
            ServerCertPath = serverCert,
            ClientCertPath = clientCert,
            Timeout = timeout,
            MaxRetries = maxRetries,
            BackoffFactor = factor,
            BackoffJitter = jitter,
            RespectRetryAfter = respectRetryAfter,
            RetryStatusCodes = new HashSet<int>(statuses),
            RetryDeadline = deadline,
            Workspace = workspace,
            DefaultHeaders = headers,
            Environment = environment,
            Artifacts = Mlflow.Artifacts.MlflowArtifactSettings.Resolve(options.Artifacts, environment),
            BackgroundLogging = MlflowBackgroundLoggingSettings.Resolve(options.BackgroundLogging, environment),
        };
    }

    /// <summary>Shortest per-attempt timeout the retry pipeline enforces (10 ms).</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Checks a per-attempt timeout: <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (none) or at least
    /// <see cref="MinTimeout"/>; <paramref name="setting"/> names the setting in the message.
    /// </summary>
    /// <param name="timeout">The timeout.</param>
    /// <param name="setting">Environment variable and option, e.g. <c>MLFLOW_HTTP_REQUEST_TIMEOUT / MlflowClientOptions.Timeout</c>.</param>
    /// <exception cref="MlflowConfigurationException">The timeout is zero, negative or shorter than 10 ms.</exception>
    public static void ValidateTimeout(TimeSpan timeout, string setting)
    {
        if (timeout == System.Threading.Timeout.InfiniteTimeSpan || timeout >= MinTimeout) return;
        throw new MlflowConfigurationException(
            $"The request timeout ({setting}) must be at least 10 ms (the environment variable is in seconds, as in MLflow) "
            + string.Create(CultureInfo.InvariantCulture, $"(got {timeout.TotalMilliseconds:0.###} ms). Use Timeout.InfiniteTimeSpan for no timeout."));
    }

    private readonly record struct Credentials(MlflowAuthenticationKind Kind, string? Username = null, string? Password = null, string? Token = null, IAuthenticationProvider? Provider = null);

    private static Credentials ResolveCredentials(MlflowClientOptions options, Dictionary<string, string> headers, Func<string, string?> env, IMlflowEnvironment environment)
    {
        var username = NullIfEmpty(options.Username);
        var password = NullIfEmpty(options.Password);
        var token = NullIfEmpty(options.Token);
        var provider = options.AuthenticationProvider;
        var header = headers.ContainsKey("Authorization");

        var explicitKinds = new List<string>();
        if (username is not null || password is not null) explicitKinds.Add("username/password");
        if (token is not null) explicitKinds.Add("token");
        if (provider is not null) explicitKinds.Add("a custom authentication provider");
        if (header) explicitKinds.Add("an Authorization header");

        if (explicitKinds.Count > 1)
        {
            throw new MlflowConfigurationException(
                $"Conflicting credentials: {string.Join(" and ", explicitKinds)} were both set. Use exactly one of Username/Password (HTTP Basic), " +
                "Token (Bearer), AuthenticationProvider or an Authorization default header.");
        }

        if (explicitKinds.Count == 1)
        {
            if (username is not null || password is not null)
            {
                if (username is null || password is null)
                {
                    throw new MlflowConfigurationException("HTTP Basic authentication needs both Username and Password.");
                }

                return new Credentials(MlflowAuthenticationKind.Basic, username, password);
            }

            if (token is not null) return new Credentials(MlflowAuthenticationKind.Bearer, Token: token);
            if (provider is not null) return new Credentials(MlflowAuthenticationKind.Custom, Provider: provider);
            return new Credentials(MlflowAuthenticationKind.Header);
        }

        // Environment, as MLflow's get_default_host_creds: each variable falls back to ~/.mlflow/credentials; Basic
        // needs both and wins over a token.
        var envUser = env(MlflowEnvironmentVariables.TrackingUsername);
        var envPassword = env(MlflowEnvironmentVariables.TrackingPassword);
        if (envUser is null || envPassword is null)
        {
            var (fileUser, filePassword) = MlflowEnvironment.ParseCredentialsFile(environment.ReadCredentialsFile());
            envUser ??= fileUser;
            envPassword ??= filePassword;
        }
        if (envUser is not null && envPassword is not null)
        {
            return new Credentials(MlflowAuthenticationKind.Basic, envUser, envPassword);
        }

        var envToken = env(MlflowEnvironmentVariables.TrackingToken);
        return envToken is not null ? new Credentials(MlflowAuthenticationKind.Bearer, Token: envToken) : new Credentials(MlflowAuthenticationKind.None);
    }

    private const string UriHelp =
        "The .NET SDK talks to an MLflow tracking server over its REST API, so it needs the server's HTTP(S) URL, " +
        "e.g. http://localhost:5000 or https://host/mlflow (a path prefix is fine). Start one with `mlflow server` and set " +
        "MlflowClientOptions.TrackingUri or the MLFLOW_TRACKING_URI environment variable.";

    private static (Uri Uri, string BaseUrl) ParseTrackingUri(string? explicitUri, string? envUri)
    {
        var text = explicitUri ?? envUri;
        var source = explicitUri is not null ? "MlflowClientOptions.TrackingUri" : "MLFLOW_TRACKING_URI";
        if (text is null)
        {
            throw new MlflowConfigurationException("No MLflow tracking URI is configured. " + UriHelp);
        }

        text = text.Trim();
        if (text.StartsWith("databricks", StringComparison.OrdinalIgnoreCase) || text.StartsWith("uc:", StringComparison.OrdinalIgnoreCase))
        {
            throw new MlflowConfigurationException($"{source} is '{text}', a Databricks workspace, which this SDK does not support. " + UriHelp);
        }

        if (SchemelessServer(text) is { } suggestion)
        {
            throw new MlflowConfigurationException(
                $"{source} is '{text}', which has no scheme. Did you mean '{suggestion}'? The SDK needs the server's full URL, " +
                "with http:// or https:// in front. " + UriHelp);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            if (text.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || uri?.IsFile == true || !text.Contains("://", StringComparison.Ordinal))
            {
                throw new MlflowConfigurationException(
                    $"{source} is '{text}', a local file store. MLflow's Python client can write runs to a local folder, " +
                    "but this SDK cannot: point it at a tracking server instead (`mlflow server --backend-store-uri <that folder>`). " + UriHelp);
            }

            throw new MlflowConfigurationException($"{source} is '{text}', which is not a valid URL. " + UriHelp);
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            var what = uri.Scheme.ToLowerInvariant() switch
            {
                "file" => "a local file store",
                "sqlite" or "postgresql" or "mysql" or "mssql" => "a database backend store, which only the server reads",
                _ => $"a '{uri.Scheme}:' URI",
            };
            throw new MlflowConfigurationException($"{source} is '{text}', {what}. " + UriHelp);
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new MlflowConfigurationException($"{source} must not have a query string or fragment (got '{text}'). " + UriHelp);
        }

        // User info (http://user:password@host) never stays in the URL: it would reach logs and traces. It is used as
        // HTTP Basic credentials when nothing else is configured (as Python's requests does).
        var withoutUserInfo = string.IsNullOrEmpty(uri.UserInfo) ? uri : new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
        var baseUrl = withoutUserInfo.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return (new Uri(baseUrl, UriKind.Absolute), baseUrl);
    }

    /// <summary>
    /// <c>http://</c> + <paramref name="text"/> when the text reads as a server without a scheme: <c>host:port</c>
    /// (<c>localhost:5000</c>, <c>10.0.0.5:5000/mlflow</c>, <c>[::1]:5000</c>) or <c>localhost</c> with an optional
    /// path; otherwise <see langword="null"/> (a folder such as <c>mlruns</c> stays a local file store).
    /// </summary>
    internal static string? SchemelessServer(string text)
    {
        if (text.Contains("://", StringComparison.Ordinal)) return null;
        var match = System.Text.RegularExpressions.Regex.Match(
            text, @"^(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(?<port>[0-9]{1,5}))?(?<path>/.*)?$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        if (!match.Success) return null;
        var host = match.Groups["host"].Value;
        var isServer = match.Groups["port"].Success || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        return isServer ? "http://" + text : null;
    }

    private static (string User, string Password)? UserInfoCredentials(string? uriText)
    {
        if (uriText is null || !Uri.TryCreate(uriText.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.UserInfo)) return null;
        var parts = uri.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool? ParseBool(string? value, string name)
    {
        if (value is null) return null;
        return value.ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new MlflowConfigurationException($"{name} must be 'true' or 'false' (got '{value}')."),
        };
    }

    private static int? ParseInt(string? value, string name)
    {
        if (value is null) return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new MlflowConfigurationException($"{name} must be an integer (got '{value}').");
    }

    private static double? ParseDouble(string? value, string name)
    {
        if (value is null) return null;
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new MlflowConfigurationException($"{name} must be a number (got '{value}').");
    }

    private static TimeSpan? ParseSeconds(string? value, string name)
    {
        var seconds = ParseDouble(value, name);
        if (seconds is null) return null;
        if (seconds <= 0 || double.IsInfinity(seconds.Value))
        {
            throw new MlflowConfigurationException($"{name} must be a positive number of seconds (got '{value}').");
        }

        return TimeSpan.FromSeconds(seconds.Value);
    }
}
