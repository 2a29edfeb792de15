/** The update's report types live in src/shared (the app's IPC contract carries them as they are). */
export * from '../../../../shared/data-update';
