[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Mlflow.Artifacts.Tests")]
