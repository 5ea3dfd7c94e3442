using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;

namespace Mlflow;

/// <summary>Names and versions the SDK shows to servers and telemetry.</summary>
public static class MlflowTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name: the package name, <c>Mlflow.Client</c>.</summary>
    public const string ActivitySourceName = "Mlflow.Client";

    /// <summary>The SDK version (the assembly's informational version without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>The <c>User-Agent</c> sent with every request: <c>mlflow-dotnet-client/&lt;version&gt;</c>.</summary>
    public static string UserAgent { get; } = $"mlflow-dotnet-client/{Version}";

    /// <summary>The source of the SDK's activities (one per operation, OpenTelemetry HTTP client conventions).</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, Version);

    private static string ReadVersion()
    {
        var assembly = typeof(MlflowTelemetry).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}

/// <summary>Per-operation state shared by the pipeline's handlers through <see cref="HttpRequestMessage.Options"/>.</summary>
internal sealed class MlflowRequestState
{
    public static readonly HttpRequestOptionsKey<MlflowRequestState> Key = new("Mlflow.RequestState");

    public long StartTimestamp { get; init; }

    public int Attempts { get; set; }

    public static MlflowRequestState GetOrCreate(HttpRequestMessage request, TimeProvider timeProvider)
    {
        if (!request.Options.TryGetValue(Key, out var state))
        {
            state = new MlflowRequestState { StartTimestamp = timeProvider.GetTimestamp() };
            request.Options.Set(Key, state);
        }

        return state;
    }
}

/// <summary>Adds <c>User-Agent</c>, the default headers and <c>X-MLFLOW-WORKSPACE</c> (except on workspace routes).</summary>
internal sealed class MlflowHeadersHandler(MlflowSettings settings, TimeProvider timeProvider) : DelegatingHandler
{
    public const string WorkspaceHeader = "X-MLFLOW-WORKSPACE";
    private static readonly ProductInfoHeaderValue[] UserAgentValues = ParseUserAgent();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        MlflowRequestState.GetOrCreate(request, timeProvider);
        if (request.Headers.UserAgent.Count == 0)
        {
            foreach (var value in UserAgentValues) request.Headers.UserAgent.Add(value);
        }

        foreach (var (name, value) in settings.DefaultHeaders)
        {
            if (!request.Headers.Contains(name)) request.Headers.TryAddWithoutValidation(name, value);
        }

        if (settings.Workspace is { } workspace && !request.Headers.Contains(WorkspaceHeader) && !IsWorkspaceRoute(request.RequestUri))
        {
            request.Headers.TryAddWithoutValidation(WorkspaceHeader, workspace);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>Workspace CRUD routes (<c>.../mlflow/workspaces...</c>) never carry the workspace header, as in MLflow's client.</summary>
    internal static bool IsWorkspaceRoute(Uri? uri) =>
        uri is not null && uri.AbsolutePath.Contains("/mlflow/workspaces", StringComparison.Ordinal);

    private static ProductInfoHeaderValue[] ParseUserAgent() =>
        [new ProductInfoHeaderValue("mlflow-dotnet-client", MlflowTelemetry.Version)];
}

/// <summary>Adds HTTP Basic or Bearer credentials (custom Kiota providers authenticate in the request adapter instead).</summary>
internal sealed class MlflowAuthenticationHandler(MlflowSettings settings) : DelegatingHandler
{
    private readonly AuthenticationHeaderValue? header = settings.AuthenticationKind switch
    {
        MlflowAuthenticationKind.Basic => new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}"))),
        MlflowAuthenticationKind.Bearer => new AuthenticationHeaderValue("Bearer", settings.Token),
        _ => null,
    };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (header is not null && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = header;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
