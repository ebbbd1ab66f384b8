global using Hyper.Testing;
