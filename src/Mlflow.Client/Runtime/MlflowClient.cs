using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Form;
using Microsoft.Kiota.Serialization.Json;
using Microsoft.Kiota.Serialization.Multipart;
using Microsoft.Kiota.Serialization.Text;

namespace Mlflow;

/// <summary>
/// The MLflow client. This part is the hand-written runtime: construction, settings and the Kiota request adapter;
/// the operations (<c>CreateExperimentAsync</c>, ...) are generated into another part from the OpenAPI description.
/// Three ways to create one: <see cref="MlflowClient(MlflowClientOptions)"/>, <see cref="FromEnvironment"/>, or
/// <c>services.AddMlflowClient()</c> (dependency injection with <c>IHttpClientFactory</c>).
/// </summary>
/// <remarks>
/// Every request goes through <see cref="MlflowHttpPipeline"/>: retries, authentication, logging, tracing and error
/// translation. A non-2xx answer surfaces as an <see cref="MlflowException"/> subclass before Kiota sees it.
/// </remarks>
public sealed partial class MlflowClient : IDisposable
{
    private readonly HttpClient httpClient;
    private readonly bool ownsHttpClient;
    private readonly ILoggerFactory? loggerFactory;
    private int disposed;

    /// <summary>Creates a client that owns its HTTP pipeline; environment variables fill the options left unset.</summary>
    /// <param name="options">Options.</param>
    /// <exception cref="MlflowConfigurationException">Missing tracking URI or inconsistent settings.</exception>
    public MlflowClient(MlflowClientOptions options)
        : this(options, loggerFactory: null)
    {
    }

    /// <summary>Creates a client that owns its HTTP pipeline, with logging, a clock and optionally an in-process handler.</summary>
    /// <param name="options">Options.</param>
    /// <param name="loggerFactory">Logger factory for the Debug request log (none: no logging).</param>
    /// <param name="timeProvider">Clock for retries and timeouts (default: the system clock).</param>
    /// <param name="innerHandler">The handler that does the I/O (default: a socket handler with the TLS settings).</param>
    /// <exception cref="MlflowConfigurationException">Missing tracking URI or inconsistent settings.</exception>
    public MlflowClient(MlflowClientOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider = null, HttpMessageHandler? innerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Settings = options.Resolve();
        this.loggerFactory = loggerFactory;
        httpClient = new HttpClient(MlflowHttpPipeline.Create(Settings, loggerFactory, timeProvider, innerHandler), disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        ownsHttpClient = true;
        RequestAdapter = CreateRequestAdapter(Settings, httpClient);
    }

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> whose handlers already hold <see cref="MlflowHttpPipeline"/>
    /// (as those from <c>AddMlflowClient</c> do). The client does not dispose it.
    /// </summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="options">Options.</param>
    /// <exception cref="MlflowConfigurationException">Missing tracking URI or inconsistent settings.</exception>
    public MlflowClient(HttpClient httpClient, MlflowClientOptions options)
        : this(httpClient, (options ?? throw new ArgumentNullException(nameof(options))).Resolve())
    {
    }

    /// <summary>Creates a client over an <see cref="HttpClient"/> that already holds the pipeline, with resolved settings.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="settings">Resolved settings.</param>
    public MlflowClient(HttpClient httpClient, MlflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        this.httpClient = httpClient;
        ownsHttpClient = false;
        RequestAdapter = CreateRequestAdapter(settings, httpClient);
    }

    /// <summary>Creates a client from MLflow's environment variables only (<c>MLFLOW_TRACKING_URI</c>, ...), for scripts.</summary>
    /// <param name="loggerFactory">Optional logger factory.</param>
    /// <returns>The client.</returns>
    /// <exception cref="MlflowConfigurationException"><c>MLFLOW_TRACKING_URI</c> is missing or not an HTTP(S) URL.</exception>
    public static MlflowClient FromEnvironment(ILoggerFactory? loggerFactory = null) =>
        new(new MlflowClientOptions { EnvironmentSource = MlflowEnvironment.Process }, loggerFactory);

    /// <summary>The effective settings.</summary>
    public MlflowSettings Settings { get; }

    /// <summary>The Kiota request adapter; its <c>BaseUrl</c> is the tracking URI (path prefix kept, no trailing slash).</summary>
    public IRequestAdapter RequestAdapter { get; }

    /// <summary>
    /// Waits for what the background logger still holds (see <c>FlushAsync</c>; prefer <c>DisposeAsync</c>), then
    /// disposes the HTTP pipeline when this client created it.
    /// </summary>
    /// <exception cref="MlflowBackgroundLoggingException">Entries logged with <c>synchronous: false</c> could not be logged.</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        try
        {
            StopBackgroundLogger();
        }
        finally
        {
            if (ownsHttpClient) httpClient.Dispose();
        }
    }

    private static IRequestAdapter CreateRequestAdapter(MlflowSettings settings, HttpClient httpClient)
    {
        var parseNodes = new ParseNodeFactoryRegistry();
        // Kiota's JsonParseNode semantics without its document copy and per-value JsonSerializer calls
        // (MlflowJsonParseNodeFactory; equivalence over the wire corpus in Mlflow.Client.Tests).
        parseNodes.ContentTypeAssociatedFactories["application/json"] = new Mlflow.Client.Serialization.MlflowJsonParseNodeFactory();
        parseNodes.ContentTypeAssociatedFactories["text/plain"] = new TextParseNodeFactory();
        parseNodes.ContentTypeAssociatedFactories["application/x-www-form-urlencoded"] = new FormParseNodeFactory();

        var writers = new SerializationWriterFactoryRegistry();
        writers.ContentTypeAssociatedFactories["application/json"] = new JsonSerializationWriterFactory();
        writers.ContentTypeAssociatedFactories["text/plain"] = new TextSerializationWriterFactory();
        writers.ContentTypeAssociatedFactories["application/x-www-form-urlencoded"] = new FormSerializationWriterFactory();
        writers.ContentTypeAssociatedFactories["multipart/form-data"] = new MultipartSerializationWriterFactory();

        IAuthenticationProvider authentication = settings.AuthenticationProvider ?? new AnonymousAuthenticationProvider();
        // MlflowRequestAdapter: an answer that cannot be read reaches the caller as the MlflowException it is, not as
        // Kiota's ApiException around it.
        return new MlflowRequestAdapter(new HttpClientRequestAdapter(authentication, parseNodes, writers, httpClient)
        {
            BaseUrl = settings.BaseUrl,
        });
    }
}

/// <summary>Helpers for the "return null where Python returns None" style.</summary>
public static class MlflowTaskExtensions
{
    /// <summary>
    /// Awaits a call and returns <see langword="null"/> when it failed with <see cref="MlflowNotFoundException"/>
    /// (e.g. <c>await client.GetExperimentByNameAsync("x").OrNullIfNotFound()</c>); other errors propagate.
    /// </summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="task">The call.</param>
    /// <returns>The result, or <see langword="null"/> when the resource does not exist.</returns>
    public static async Task<T?> OrNullIfNotFound<T>(this Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (MlflowNotFoundException)
        {
            return default;
        }
    }
}
