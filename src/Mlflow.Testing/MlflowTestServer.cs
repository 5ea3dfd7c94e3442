using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlflow.Testing.Generated;
using Mlflow.Testing.Server;

namespace Mlflow.Testing;

/// <summary>
/// An in-process, in-memory, MLflow-compatible tracking server on 127.0.0.1 (a free port), for tests, samples and
/// CI machines without Python. Routes and DTOs come from <c>spec/mlflow.openapi.json</c> (NSwag controller bases
/// generated at build time); experiments, runs, metrics, registry, prompts, artifacts, webhooks, traces (with OTLP
/// ingestion at <c>/v1/traces</c>) and assessments are implemented
/// (<see cref="ImplementedOperations"/>), every other operation of the spec answers 501 <c>NOT_IMPLEMENTED</c> with
/// an MLflow error body.
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

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Options (default: system clock, 30 s webhook timeout).</param>
    public MlflowTestServer(MlflowTestServerOptions? options = null)
    {
        this.options = options ?? new MlflowTestServerOptions();
    }

    /// <summary>The base URI (tracking URI) once started, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUri => baseUri ?? throw new InvalidOperationException("The server is not started; call StartAsync first.");

    /// <summary>The spec operationIds this server implements (the others answer 501 NOT_IMPLEMENTED).</summary>
    public static IReadOnlyList<string> ImplementedOperations => OperationTable.ImplementedOperationIds;

    /// <summary>Every operationId of the spec the server routes (implemented or not).</summary>
    public static IReadOnlyList<string> AllOperations => OperationTable.AllOperationIds;

    /// <summary>Starts listening on 127.0.0.1 with a free port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The base URI, without a trailing slash in its path (<c>http://127.0.0.1:PORT</c>).</returns>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        if (app is not null) throw new InvalidOperationException("The server is already started.");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(MlflowTestServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is { } loggerFactory) builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddSingleton<MlflowOperations>();
        builder.Services.AddSingleton<IMlflowController>(sp => OperationProxy.Create(sp.GetRequiredService<MlflowOperations>()));
        builder.Services
            .AddControllers(mvc =>
            {
                mvc.Filters.Add<ModelStateFilter>();
                mvc.AllowEmptyInputInBodyModelBinding = true;
            })
            .AddApplicationPart(typeof(MlflowController).Assembly)
            .AddJsonOptions(json => ConfigureJson(json.JsonSerializerOptions));

        var web = builder.Build();
        web.UseMiddleware<ErrorHandlingMiddleware>();
        web.UseMiddleware<SecurityMiddleware>();
        web.UseMiddleware<OtlpIngestionMiddleware>();
        web.UseMiddleware<AjaxMirrorMiddleware>();
        web.UseMiddleware<CamelCaseRequestMiddleware>();
        web.UseRouting();
        web.MapControllers();
        web.MapFallback(NotFoundEndpoint.Handle);
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        app = web;
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        baseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
        return baseUri;
    }

    /// <summary>Stops the server (pending webhook deliveries are cancelled).</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        var web = Interlocked.Exchange(ref app, null);
        if (web is null) return;
        web.Services.GetRequiredService<WebhookDispatcher>().Dispose();
        await web.StopAsync().ConfigureAwait(false);
        await web.DisposeAsync().ConfigureAwait(false);
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
    /// Whether <c>POST /v1/traces</c> stores spans (default). <see langword="false"/> reproduces an MLflow whose store
    /// cannot log spans: the route answers 501 as MLflow does.
    /// </summary>
    public bool SupportsSpanLogging { get; init; } = true;
}
