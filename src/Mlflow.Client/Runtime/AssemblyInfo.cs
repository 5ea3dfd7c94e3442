using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Mlflow.Client.Tests")]
