// Package console lets the desktop app drop the console window Windows opens for it.
// slmscope.exe is one console program for the command line and the app; started from the
// Start menu or Explorer, Windows gives it a console window that nobody reads.
package console
