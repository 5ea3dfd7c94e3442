using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlflow.Testing.Generated;
using Mlflow.Testing.Server;

namespace Mlflow.Testing;

/// <summary>
/// An in-process MLflow-compatible tracking server on 127.0.0.1, for tests, samples and CI machines without Python.
/// Routes and DTOs come from <c>spec/mlflow.openapi.json</c> (generated at build time); tracking, the registry,
/// prompts, logged models, datasets, scorers, artifacts, webhooks, traces (with OTLP ingestion at <c>/v1/traces</c>)
/// and assessments are implemented
/// (<see cref="ImplementedOperations"/>), every other operation of the spec answers 501 <c>NOT_IMPLEMENTED</c> with
/// an MLflow error body. State is in memory unless <see cref="MlflowTestServerOptions.DataDirectory"/> is set, in
/// which case it is kept in a SQLite file and artifact files there, and survives a stop and a restart.
/// </summary>
/// <example>
/// <code>
/// await using var server = new MlflowTestServer();
/// Uri trackingUri = await server.StartAsync();
/// using var client = new MlflowClient(new MlflowClientOptions { TrackingUri = trackingUri });
/// </code>
/// </example>
public sealed class MlflowTestServer : IAsyncDisposable, IDisposable
{
    private readonly MlflowTestServerOptions options;
    private WebApplication? app;
    private Uri? baseUri;
    private int lastPort;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Options (default: in memory, a free port, system clock, 30 s webhook timeout).</param>
    public MlflowTestServer(MlflowTestServerOptions? options = null)
    {
        this.options = options ?? new MlflowTestServerOptions();
    }

    /// <summary>The base URI (tracking URI) once started, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUri => baseUri ?? throw new InvalidOperationException("The server is not started; call StartAsync first.");

    /// <summary>The spec operationIds this server implements (the others answer 501 NOT_IMPLEMENTED).</summary>
    public static IReadOnlyList<string> ImplementedOperations => MlflowOperations.ImplementedOperationIds;

    /// <summary>Multipart artifact uploads created and neither completed nor aborted yet (0 when not started).</summary>
    public int PendingMultipartUploads => (app?.Services.GetRequiredService<MlflowOperationsBase>() as MlflowOperations)?.PendingMultipartUploads ?? 0;

    /// <summary>Every operationId of the spec the server routes (implemented or not).</summary>
    public static IReadOnlyList<string> AllOperations => MlflowOperations.AllOperationIds;

    /// <summary>Whether the server is listening.</summary>
    public bool IsRunning => app is not null;

    /// <summary>
    /// Starts listening on 127.0.0.1: on <see cref="MlflowTestServerOptions.Port"/> when set, else on the port of this
    /// server's previous run (so that a restarted server keeps its URI), else on a free port. With a
    /// <see cref="MlflowTestServerOptions.DataDirectory"/>, the stored state is loaded first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The base URI, without a trailing slash in its path (<c>http://127.0.0.1:PORT</c>).</returns>
    /// <exception cref="InvalidOperationException">The server is running, or its data directory is in use by another server.</exception>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        if (app is not null) throw new InvalidOperationException("The server is already started.");
        var port = options.Port is > 0 ? options.Port.Value : lastPort;
        var (store, artifacts) = OpenStorage(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(MlflowTestServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is { } loggerFactory) builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddSingleton(_ => new ServerState(store)); // disposed (store closed) with the app
        builder.Services.AddSingleton(artifacts);
        builder.Services.AddSingleton<MlflowOperationsBase, MlflowOperations>();
        builder.Services
            .AddControllers(mvc =>
            {
                mvc.Filters.Add<ModelStateFilter>();
                mvc.AllowEmptyInputInBodyModelBinding = true;
            })
            .ConfigureApplicationPartManager(parts =>
            {
                // The generated controller is internal: MVC only discovers public ones by itself.
                parts.ApplicationParts.Add(new AssemblyPart(typeof(MlflowController).Assembly));
                parts.FeatureProviders.Add(new InternalControllerProvider());
            })
            .AddJsonOptions(json => ConfigureJson(json.JsonSerializerOptions));

        WebApplication web;
        try
        {
            web = builder.Build();
            // Loads the stored state and makes sure the default experiment exists before the first request.
            web.Services.GetRequiredService<MlflowOperationsBase>();
        }
        catch
        {
            store.Dispose();
            throw;
        }
        web.UseMiddleware<ErrorHandlingMiddleware>();
        web.UseMiddleware<SecurityMiddleware>();
        web.UseMiddleware<OtlpIngestionMiddleware>();
        web.UseMiddleware<AjaxMirrorMiddleware>();
        web.UseMiddleware<CamelCaseRequestMiddleware>();
        web.UseRouting();
        web.MapControllers();
        web.MapFallback(NotFoundEndpoint.Handle);
        try
        {
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await web.DisposeAsync().ConfigureAwait(false);
            store.Dispose();
            throw;
        }
        app = web;
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        baseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
        lastPort = baseUri.Port;
        return baseUri;
    }

    /// <summary>
    /// Stops listening: requests in flight finish (their changes are committed), pending webhook deliveries are
    /// cancelled, the data directory is released. <see cref="StartAsync"/> may be called again (same port).
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopAsync()
    {
        var web = Interlocked.Exchange(ref app, null);
        if (web is null) return;
        web.Services.GetRequiredService<WebhookDispatcher>().Dispose();
        await web.StopAsync().ConfigureAwait(false);
        await web.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>
    /// The state store and the artifact proxy's files: SQLite and a folder under the data directory, else memory (the
    /// proxy's files may go to <see cref="MlflowTestServerOptions.ArtifactsDestination"/> on their own).
    /// </summary>
    private static (StateStore Store, ArtifactStore Artifacts) OpenStorage(MlflowTestServerOptions options)
    {
        ArtifactStore artifacts = options.ArtifactsDestination is { Length: > 0 } destination
            ? new DirectoryArtifactStore(destination)
            : string.IsNullOrEmpty(options.DataDirectory) ? new InMemoryArtifactStore() : new DirectoryArtifactStore(Path.Combine(options.DataDirectory, "artifacts"));
        if (string.IsNullOrEmpty(options.DataDirectory)) return (new MemoryStateStore(), artifacts);
        Directory.CreateDirectory(options.DataDirectory);
        return (new SqliteStateStore(Path.Combine(options.DataDirectory, "mlflow.db")), artifacts);
    }

    /// <summary>Stops the server synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// MLflow's JSON conventions: snake_case names from the DTOs, unset fields and empty lists omitted, int64 as
    /// numbers (accepted as strings too), NaN/Infinity as the strings <c>"NaN"</c>/<c>"Infinity"</c>, unknown names
    /// of optional enum fields dropped.
    /// </summary>
    internal static void ConfigureJson(JsonSerializerOptions json)
    {
        json.NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.WriteIndented = true;
        json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        json.Converters.Add(new UtcTimestampConverter());
        json.MaxDepth = 512; // span attributes nest deeply as OTLP AnyValue (three levels per JSON level)
        json.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyCollections, LenientEnumConverter<RunStatus>.Apply } };
    }

    private static void OmitEmptyCollections(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) && typeof(System.Collections.ICollection).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = (_, value) => value is System.Collections.ICollection { Count: > 0 };
            }
        }
    }
}

/// <summary>Options of <see cref="MlflowTestServer"/>.</summary>
public sealed class MlflowTestServerOptions
{
    /// <summary>Clock for timestamps (default: the system clock).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Timeout of one webhook delivery attempt (MLflow's default: 30 s).</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional logging (default: none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The default artifact root of new experiments (MLflow's <c>--default-artifact-root</c>): runs get
    /// <c>&lt;root&gt;/&lt;experiment_id&gt;/&lt;run_id&gt;/artifacts</c>. Default <c>mlflow-artifacts:/</c> (the server's
    /// proxy). With a store URI such as <c>s3://bucket/prefix</c> or <c>wasbs://container@account.blob.core.windows.net/path</c>,
    /// clients write to the store directly, as with a real MLflow; this server does not read such stores itself.
    /// </summary>
    public string? ArtifactRoot { get; init; }

    /// <summary>
    /// A directory where the artifact proxy keeps its files (MLflow's <c>--artifacts-destination</c> for a local
    /// path); default: memory.
    /// </summary>
    public string? ArtifactsDestination { get; init; }

    /// <summary>
    /// Whether the proxy's multipart routes (<c>/api/2.0/mlflow-artifacts/mpu/...</c>) accept uploads, handing out
    /// part URLs on this server, as MLflow does with an S3-like destination. Default false: MLflow's answer with a
    /// local destination, 501 "Multipart upload is not supported for the current artifact repository".
    /// </summary>
    public bool MultipartUpload { get; init; }

    /// <summary>
    /// Where to keep the state (default: null, in memory). The directory holds <c>mlflow.db</c> (SQLite: experiments,
    /// runs, metrics, registry, webhooks...) and <c>artifacts/</c> (the artifact files); a server started again on it
    /// finds everything as it was. One server at a time per directory.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>The loopback port to listen on (default: null, a free port chosen at the first start).</summary>
    public int? Port { get; init; }

    /// <summary>
    /// Whether <c>POST /v1/traces</c> stores spans (default). <see langword="false"/> reproduces an MLflow whose store
    /// cannot log spans: the route answers 501 as MLflow does.
    /// </summary>
    public bool SupportsSpanLogging { get; init; } = true;
}

/// <summary>Lets MVC use the generated (internal) controller.</summary>
internal sealed class InternalControllerProvider : ControllerFeatureProvider
{
    protected override bool IsController(System.Reflection.TypeInfo typeInfo) => typeInfo.AsType() == typeof(MlflowController) || base.IsController(typeInfo);
}
